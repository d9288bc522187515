package dev.allot.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.allot.server.cli.CliTest.AllotCliRunner;
import dev.allot.server.cli.CliTest.Run;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code serve --session-idle} (docs/cli.md; docs/security.md, "Console sessions"): a number and s,
 * m, h or d, from 1 second to 7 days; anything else refuses to start, naming the option.
 */
class SessionIdleOptionTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"8h, PT8H", "30m, PT30M", "90s, PT1M30S", "7d, PT168H", "1S, PT1S", " 2h , PT2H"})
  void duration_readsANumberAndAUnit(String text, String expected) {
    assertThat(ServeCommand.duration("--session-idle", text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"8", "h", "8 h", "-1h", "1.5h", "PT8H", "1w", "9999999999999d"})
  void serve_withAMalformedSessionIdle_exits1NamingTheOption(String value) {
    Run run = serve(value);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("--session-idle must be a number and s, m, h or d");
    assertThat(dir.resolve("allot.db")).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "8d"})
  void serve_withASessionIdleOutOfRange_exits1NamingTheRange(String value) {
    Run run = serve(value);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("--session-idle must be 1 second to 7 days");
    assertThat(dir.resolve("allot.db")).doesNotExist();
  }

  private Run serve(String value) {
    return AllotCliRunner.run(
        "", "serve", "--session-idle", value, "--port", "0", "--data-dir", dir.toString());
  }
}
