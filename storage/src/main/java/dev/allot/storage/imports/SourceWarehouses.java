package dev.allot.storage.imports;

import dev.allot.error.AllotException;
import dev.allot.error.Violation;
import dev.allot.imports.ImportQuery;
import dev.allot.imports.ReservedFiles;
import dev.allot.imports.Source;
import dev.allot.imports.SourceException;
import dev.allot.imports.SourceException.Problem;
import dev.allot.imports.SourceRow;
import dev.allot.imports.SourceStore;
import dev.allot.imports.Warehouse;
import dev.allot.imports.Warehouses;
import dev.allot.resource.ResourceId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The stored sources, opened as {@link JdbcWarehouse}s with their passwords and allowed paths.
 *
 * <p>A source is checked against the {@link ReservedFiles} again each time it is opened: since it
 * was stored, the data directory may have moved under an allowed path, or a link changed. One that
 * now breaks a rule opens as a warehouse that refuses every call as {@linkplain Problem#UNAVAILABLE
 * unavailable}, naming the rule, so that its tables' runs fail (and retry) until an admin changes
 * the source, and read nothing. Thread-safe.
 */
public final class SourceWarehouses implements Warehouses {
  private final SourceStore sources;
  private final ReservedFiles reserved;

  public SourceWarehouses(SourceStore sources, ReservedFiles reserved) {
    this.sources = sources;
    this.reserved = reserved;
  }

  @Override
  public Warehouse open(ResourceId name) {
    Source source =
        sources.find(name).orElseThrow(() -> AllotException.notFound("no source " + name));
    List<Violation> refused = reserved.violations(source.jdbcUrl(), source.allowedPaths());
    if (!refused.isEmpty()) {
      return new Refused(
          "source "
              + name
              + " may not be read until an admin changes it: "
              + refused.stream().map(Violation::message).collect(Collectors.joining("; ")));
    }
    return JdbcWarehouse.of(
        source.jdbcUrl(),
        source.user().orElse(null),
        sources.password(name).orElse(null),
        source.allowedPaths());
  }

  /** A source that must not be read: every call fails, saying why. */
  private record Refused(String reason) implements Warehouse {
    @Override
    public List<Column> describe(String sql) {
      throw refusal();
    }

    @Override
    public Optional<Instant> earliest(ImportQuery query) {
      throw refusal();
    }

    @Override
    public void read(ImportQuery query, Instant from, Instant until, Consumer<SourceRow> rows) {
      throw refusal();
    }

    private SourceException refusal() {
      return new SourceException(Problem.UNAVAILABLE, reason, null);
    }
  }
}
