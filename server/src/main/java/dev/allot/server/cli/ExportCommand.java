package dev.allot.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code allot export}: data out of Allot, for analysis elsewhere. */
@Command(
    name = "export",
    description = "Export data for analysis elsewhere.",
    subcommands = {ExportCommand.Assignments.class})
final class ExportCommand {

  @Command(
      name = "assignments",
      description = {
        "Write every assignment of an experiment, in id order, as CSV or JSON lines, paging",
        "through GET /v1/experiments/{id}/assignments (an admin, editor or analyst token)."
      })
  static final class Assignments implements Callable<Integer> {
    private static final int PAGE = 1_000;
    private static final List<String> COLUMNS =
        List.of("id", "subjectId", "variantId", "cohortIndex", "createdAt", "source");

    enum Format {
      csv,
      jsonl
    }

    @Parameters(index = "0", description = "The experiment's id.")
    String experiment;

    @Option(names = "--format", description = "csv (with a header line) or jsonl (default: csv).")
    Format format = Format.csv;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "Write to FILE (default: standard output).")
    Path output;

    @Mixin ServerOptions server;

    @Override
    public Integer call() throws IOException {
      ApiClient client = server.client();
      String path =
          "/v1/experiments/"
              + URLEncoder.encode(experiment, StandardCharsets.UTF_8)
              + "/assignments";
      // Asked before the file is made: a wrong id or token leaves no empty file behind.
      JsonNode page = client.json("GET", path + "?pageSize=" + PAGE, null, null);
      long written = 0;
      Writer out =
          output == null
              ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
              : Files.newBufferedWriter(output, StandardCharsets.UTF_8);
      try {
        if (format == Format.csv) {
          out.write(String.join(",", COLUMNS) + "\n");
        }
        while (true) {
          for (JsonNode row : page.path("assignments")) {
            out.write(format == Format.csv ? csv(row) : row + "\n");
            written++;
          }
          String next = ObjectFile.text(page, "nextPageToken");
          if (next.isEmpty()) {
            break;
          }
          page =
              client.json(
                  "GET",
                  path
                      + "?pageSize="
                      + PAGE
                      + "&pageToken="
                      + URLEncoder.encode(next, StandardCharsets.UTF_8),
                  null,
                  null);
        }
      } finally {
        if (output == null) {
          out.flush();
        } else {
          out.close();
        }
      }
      if (output != null) {
        System.err.printf("exported %d assignments of %s to %s%n", written, experiment, output);
      }
      return 0;
    }

    private static String csv(JsonNode row) {
      StringBuilder line = new StringBuilder();
      for (String column : COLUMNS) {
        if (!line.isEmpty()) {
          line.append(',');
        }
        String value = ObjectFile.text(row, column);
        // RFC 4180: quote a field holding a comma, a quote or a line break, doubling its quotes.
        line.append(
            value.matches("(?s).*[\",\\r\\n].*")
                ? "\"" + value.replace("\"", "\"\"") + "\""
                : value);
      }
      return line.append('\n').toString();
    }
  }
}
