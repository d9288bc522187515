package dev.allot.server.metrics;

import dev.allot.storage.assignment.CachingAssignmentStore;
import dev.allot.storage.events.AssignmentEventWriter;
import io.javalin.http.Context;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * The server's meters, scraped by Prometheus at {@code GET /metrics} (docs/metrics.md). Handlers
 * register counters of their own in {@link #registry()}; what storage counts itself (assignment
 * events, the assignment cache) is read from its stats only when scraped, so it costs the requests
 * nothing. Thread-safe.
 */
public final class Metrics implements AutoCloseable {
  /**
   * Prometheus' text format 0.0.4, which every Prometheus version reads: what {@code scrape()}
   * writes.
   */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  public Metrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The writer's counts since start, and the calls waiting in its queue. */
  public void bind(AssignmentEventWriter writer) {
    counter(
        "allot.assignment.events.stored",
        "assignment events stored",
        writer,
        w -> w.stats().stored());
    counter(
        "allot.assignment.events.duplicates",
        "calls whose assignment event was stored already, skipped",
        writer,
        w -> w.stats().duplicates());
    counter(
        "allot.assignment.events.dropped",
        "calls whose assignment event was not recorded: the queue was full",
        writer,
        w -> w.stats().dropped());
    counter(
        "allot.assignment.events.lost",
        "assignment events queued but not stored (a failed write while stopping)",
        writer,
        w -> w.stats().lost());
    counter(
        "allot.assignment.event.property.keys.refused",
        "experiment property keys assignment events could not set: the key limit is reached",
        writer,
        w -> w.stats().propertyKeysRefused());
    Gauge.builder("allot.assignment.events.queued", writer, AssignmentEventWriter::queued)
        .description("calls waiting for their assignment event to be written")
        .register(registry);
  }

  /** The assignment cache's size, and its hits and misses since start. */
  public void bind(CachingAssignmentStore cache) {
    Gauge.builder("allot.assignment.cache.size", cache, c -> c.stats().size())
        .description("assignments in the cache")
        .register(registry);
    counter(
        "allot.assignment.cache.hits",
        "assignment lookups answered by the cache",
        cache,
        c -> c.stats().hits());
    counter(
        "allot.assignment.cache.misses",
        "assignment lookups the cache could not answer",
        cache,
        c -> c.stats().misses());
  }

  private <T> void counter(String name, String description, T source, ToDoubleFunction<T> count) {
    FunctionCounter.builder(name, source, count).description(description).register(registry);
  }

  /** {@code GET /metrics}. */
  public void scrape(Context ctx) {
    ctx.status(200).contentType(CONTENT_TYPE).result(registry.scrape());
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
