package dev.allot.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Exposures queued by {@link AllotClient#exposed} and sent to {@code POST /v1/events} in batches by
 * one daemon thread (docs/client.md, "Exposures").
 *
 * <p>The queue is bounded: when it is full a new exposure is refused and counted, and those queued
 * before it are kept. Each exposure gets an {@code insert_id} when queued (this client's random
 * prefix and a sequence number), so a batch sent again after a failure is stored once. A batch that
 * fails for the network or a 5xx is sent again with backoff, 100 ms doubling to 5 s, until it is
 * stored or the client is closed and its close timeout has passed. A batch refused with 400 is sent
 * again without the exposures the refusal names; any other 4xx drops the batch. Both count as
 * rejected.
 */
final class ExposureSender {
  private static final System.Logger LOG = System.getLogger(ExposureSender.class.getName());
  private static final String PATH = "/v1/events";
  private static final Pattern EVENT_INDEX = Pattern.compile("^events\\[(\\d+)]");
  private static final long MIN_BACKOFF_NANOS = Duration.ofMillis(100).toNanos();
  private static final long MAX_BACKOFF_NANOS = Duration.ofSeconds(5).toNanos();

  private final Transport transport;
  private final ObjectMapper json;
  private final int capacity;
  private final int batchSize;
  private final long flushNanos;
  private final String idPrefix = UUID.randomUUID().toString() + "-";
  private final AtomicLong sequence = new AtomicLong();
  private final ConcurrentLinkedQueue<Exposure> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final LongAdder sent = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final Thread thread;
  private volatile boolean closing;
  private volatile long closeDeadlineNanos;

  /** One exposure as queued. */
  record Exposure(
      String experimentId, String subjectId, String variantId, long timeMillis, long sequence) {}

  ExposureSender(
      Transport transport, ObjectMapper json, int capacity, int batchSize, Duration flushInterval) {
    this.transport = transport;
    this.json = json;
    this.capacity = capacity;
    this.batchSize = batchSize;
    this.flushNanos = flushInterval.toNanos();
    this.thread = Thread.ofPlatform().name("allot-exposures").daemon().unstarted(this::run);
    thread.start();
  }

  /**
   * Queues one exposure; false when the queue is full or the client closed (counted as dropped).
   */
  boolean offer(String experimentId, String subjectId, String variantId) {
    if (closing) {
      dropped.increment();
      return false;
    }
    if (queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      dropped.increment();
      return false;
    }
    queue.add(
        new Exposure(
            experimentId,
            subjectId,
            variantId,
            System.currentTimeMillis(),
            sequence.getAndIncrement()));
    if (queued.get() == batchSize) {
      LockSupport.unpark(thread);
    }
    return true;
  }

  long sent() {
    return sent.sum();
  }

  long dropped() {
    return dropped.sum();
  }

  long rejected() {
    return rejected.sum();
  }

  int queued() {
    return Math.max(0, queued.get());
  }

  /**
   * Stops taking exposures and sends those queued, waiting at most {@code timeout}; what is still
   * unsent then is counted as dropped.
   */
  void close(Duration timeout) {
    closeDeadlineNanos = System.nanoTime() + timeout.toNanos();
    closing = true;
    LockSupport.unpark(thread);
    try {
      thread.join(timeout.plusMillis(100));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!thread.isAlive()) {
      // Offered while the sender was finishing: too late to send.
      dropQueued();
    }
  }

  private void run() {
    List<Exposure> batch = new ArrayList<>();
    while (true) {
      if (!closing && queued.get() < batchSize) {
        LockSupport.parkNanos(this, flushNanos);
      }
      boolean last = closing;
      drain(batch);
      while (!batch.isEmpty()) {
        deliver(batch);
        if (!batch.isEmpty()) {
          // Not delivered by the deadline.
          dropped.add(batch.size());
          batch.clear();
          dropQueued();
          return;
        }
        drain(batch);
      }
      if (last) {
        return;
      }
    }
  }

  private void drain(List<Exposure> batch) {
    Exposure e;
    while (batch.size() < batchSize && (e = queue.poll()) != null) {
      queued.decrementAndGet();
      batch.add(e);
    }
  }

  private void dropQueued() {
    while (queue.poll() != null) {
      queued.decrementAndGet();
      dropped.increment();
    }
  }

  /**
   * Sends the batch until it is stored or refused, emptying it; leaves it as it is when closing and
   * past the deadline.
   */
  private void deliver(List<Exposure> batch) {
    long backoff = MIN_BACKOFF_NANOS;
    while (!batch.isEmpty()) {
      AllotHttp.Response response;
      try {
        response = transport.send("POST", PATH, body(batch), Map.of(), 0);
      } catch (Transport.UnreachableException e) {
        response = null;
        LOG.log(Level.DEBUG, "exposures not sent, will retry: {0}", e.getMessage());
      }
      if (response != null && response.ok()) {
        sent.add(batch.size());
        batch.clear();
        return;
      }
      if (response != null && response.status() == 400) {
        Set<Integer> refused = refusedIndexes(response.body());
        if (!refused.isEmpty() && refused.size() < batch.size()) {
          List<Exposure> kept = new ArrayList<>();
          for (int i = 0; i < batch.size(); i++) {
            if (!refused.contains(i)) {
              kept.add(batch.get(i));
            }
          }
          rejected.add(batch.size() - kept.size());
          LOG.log(
              Level.WARNING,
              "Allot refused {0} exposures, sending the other {1}: {2}",
              refused.size(),
              kept.size(),
              text(response.body()));
          batch.clear();
          batch.addAll(kept);
          continue;
        }
      }
      if (response != null && !response.serverError()) {
        rejected.add(batch.size());
        LOG.log(
            Level.WARNING,
            "Allot refused {0} exposures with {1}: {2}",
            batch.size(),
            response.status(),
            text(response.body()));
        batch.clear();
        return;
      }
      if (closing && System.nanoTime() - closeDeadlineNanos > 0) {
        return;
      }
      long nanos = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
      if (closing) {
        nanos = Math.min(nanos, Math.max(0, closeDeadlineNanos - System.nanoTime()));
      }
      LockSupport.parkNanos(this, nanos);
      backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
    }
  }

  private byte[] body(List<Exposure> batch) {
    ObjectNode body = json.createObjectNode();
    ArrayNode events = body.putArray("events");
    for (Exposure e : batch) {
      ObjectNode event = events.addObject();
      event.put("event_type", "$exposure");
      event.put("user_id", e.subjectId());
      event.put("time", e.timeMillis());
      event.put("insert_id", idPrefix + e.sequence());
      ObjectNode properties = event.putObject("event_properties");
      properties.put("flag_key", e.experimentId());
      if (e.variantId() != null) {
        properties.put("variant", e.variantId());
      }
    }
    try {
      return json.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("an exposure batch is plain data", e);
    }
  }

  /** The indexes of the events a 400's details name ({@code events[3].user_id}). */
  private Set<Integer> refusedIndexes(byte[] body) {
    Set<Integer> indexes = new HashSet<>();
    try {
      JsonNode details = json.readTree(body).path("details");
      for (JsonNode detail : details) {
        Matcher m = EVENT_INDEX.matcher(detail.path("path").asText(""));
        if (m.find()) {
          indexes.add(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Set.of();
    }
    return indexes;
  }

  private static String text(byte[] body) {
    String s = new String(body, java.nio.charset.StandardCharsets.UTF_8);
    return s.length() > 500 ? s.substring(0, 500) + "..." : s;
  }
}
