package dev.allot.server.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.allot.error.AllotException;
import dev.allot.export.Dataset;
import dev.allot.export.ExportService;
import dev.allot.storage.export.ParquetFile;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/experiments/{id}/export/{dataset}} (docs/export.md): what is asked is checked
 * first, so a mistake is a 4xx; then the headers go out at once and the rows follow as the database
 * cursor yields them. A failure after that can no longer change the status: the response is cut
 * short, so the client sees a broken transfer, never a complete-looking file.
 */
public final class ExportHandlers {
  public static final String FORMAT = "format";
  public static final String FROM = "from";
  public static final String TO = "to";

  private static final Logger log = LoggerFactory.getLogger(ExportHandlers.class);
  private static final int BUFFER = 64 * 1024;
  private static final CsvMapper CSV = new CsvMapper();
  private static final JsonFactory JSON = new JsonFactory();

  /** The formats, by the word {@code ?format=} takes. */
  enum Format {
    CSV("text/csv; charset=utf-8", "csv"),
    JSONL("application/x-ndjson", "jsonl"),
    PARQUET("application/vnd.apache.parquet", "parquet");

    final String contentType;
    final String extension;

    Format(String contentType, String extension) {
      this.contentType = contentType;
      this.extension = extension;
    }

    static Format of(String word) {
      if (word == null) {
        return CSV;
      }
      for (Format format : values()) {
        if (format.extension.equals(word)) {
          return format;
        }
      }
      throw AllotException.invalidRequest(
          FORMAT, "format must be csv, jsonl or parquet, is " + word);
    }
  }

  private final ExportService exports;
  private final Path temporary;

  /** {@code temporary}: where Parquet exports are assembled before they are sent. */
  public ExportHandlers(ExportService exports, Path temporary) {
    this.exports = exports;
    this.temporary = temporary;
  }

  public void export(Context ctx) throws IOException {
    Format format = Format.of(ctx.queryParam(FORMAT));
    ExportService.Export export =
        exports.check(
            ctx.pathParam("id"), ctx.pathParam("dataset"), instant(ctx, FROM), instant(ctx, TO));
    ctx.status(200);
    ctx.contentType(format.contentType);
    ctx.header(
        "Content-Disposition",
        "attachment; filename=\""
            + export.experimentId().toLowerCase(Locale.ROOT)
            + "-"
            + export.dataset().word()
            + "."
            + format.extension
            + "\"");
    if (ctx.method() == HandlerType.HEAD) {
      return;
    }
    OutputStream out = new BufferedOutputStream(ctx.res().getOutputStream(), BUFFER);
    // The headers now, before the first row: a client sees at once that the export started.
    out.flush();
    try {
      switch (format) {
        case CSV -> csv(export, out);
        case JSONL -> jsonLines(export, out);
        case PARQUET -> parquet(export, out);
      }
      out.flush();
    } catch (IOException | RuntimeException e) {
      // The status is sent: cut the connection rather than end the response as if it were whole.
      log.warn(
          "export of {} {} stopped after it started: {}",
          export.experimentId(),
          export.dataset().word(),
          e.toString());
      ServletContextRequest.getServletContextRequest(ctx.req()).getServletChannel().abort(e);
    }
  }

  private static Instant instant(Context ctx, String name) {
    String text = ctx.queryParam(name);
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw AllotException.invalidRequest(
          name, name + " must be an ISO-8601 instant such as 2026-01-31T00:00:00Z, is " + text);
    }
  }

  private void csv(ExportService.Export export, OutputStream out) throws IOException {
    CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
    for (Dataset.Column column : export.dataset().columns()) {
      schema.addColumn(
          column.name(),
          column.type() == Dataset.Type.INTEGER
              ? CsvSchema.ColumnType.NUMBER
              : CsvSchema.ColumnType.STRING);
    }
    try (CsvGenerator csv = (CsvGenerator) CSV.getFactory().createGenerator(out)) {
      csv.setSchema(schema.build());
      csv.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      List<Dataset.Column> columns = export.dataset().columns();
      exports.stream(
          export,
          row -> {
            csv.writeStartArray();
            for (int i = 0; i < row.length; i++) {
              write(csv, columns.get(i), row[i]);
            }
            csv.writeEndArray();
          });
    }
  }

  private void jsonLines(ExportService.Export export, OutputStream out) throws IOException {
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      List<Dataset.Column> columns = export.dataset().columns();
      exports.stream(
          export,
          row -> {
            json.writeStartObject();
            for (int i = 0; i < row.length; i++) {
              json.writeFieldName(columns.get(i).name());
              write(json, columns.get(i), row[i]);
            }
            json.writeEndObject();
            json.writeRaw('\n');
          });
    }
  }

  private static void write(JsonGenerator out, Dataset.Column column, Object value)
      throws IOException {
    if (value == null) {
      out.writeNull();
    } else if (value instanceof Long number) {
      out.writeNumber(number);
    } else {
      out.writeString(value.toString());
    }
  }

  private void parquet(ExportService.Export export, OutputStream out) throws IOException {
    try (ParquetFile parquet = new ParquetFile(export.dataset(), temporary)) {
      exports.writeCsv(export, parquet.csv());
      Files.copy(parquet.finish(), out);
    }
  }
}
