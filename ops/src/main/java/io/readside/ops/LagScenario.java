package io.readside.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.Json;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The lag scenario of `readside bench` (issue 13): for each configuration, a worker and read API
 * over the same journal, a paced load of adds through the write side's HTTP, and for every n-th
 * write the end-to-end lag from its reply to the read API answering {@code GET /carts/{id}?minSeqNr=}
 * with it; then, with the load stopped and the projections caught up, the database's idle load
 * (pg_stat_database transactions per second).
 */
final class LagScenario {
  /** What is compared. {@code tuned} is the push path; {@code textbook} the library's defaults. */
  enum Setup {
    /** Horizon source woken by LISTEN/NOTIFY, 10 ms groups, waiting reads woken by NOTIFY. */
    TUNED("tuned", Map.of("readside.worker.source", "horizon", "readside.worker.horizon.push", "on",
        "readside.read-api.wait-notify", "on")),
    /** The horizon source polling every 100 ms, 50 ms groups, reads polled every 25 ms (before issue 13). */
    HORIZON_POLL("horizon-poll", Map.of("readside.worker.source", "horizon", "readside.worker.horizon.push", "off",
        "readside.worker.horizon.group-within", "50ms", "readside.read-api.wait-notify", "off")),
    /** eventsByTag as Readside configures it (100 ms refresh and sequence query, 50 ms groups). */
    EVENTS_BY_TAG("events-by-tag", Map.of("readside.worker.source", "events-by-tag", "readside.read-api.wait-notify", "off")),
    /** eventsByTag with the read journal's defaults (1 s) and one event per transaction. */
    TEXTBOOK("textbook", Map.of("readside.worker.source", "events-by-tag", "readside.read-api.wait-notify", "off",
        "readside.worker.group-size", "1",
        "jdbc-read-journal.refresh-interval", "1s",
        "jdbc-read-journal.journal-sequence-retrieval.query-delay", "1s",
        "jdbc-read-journal.journal-sequence-retrieval.max-tries", "10"));

    final String name;
    final Map<String, String> overrides;

    Setup(String name, Map<String, String> overrides) {
      this.name = name;
      this.overrides = overrides;
    }

    static Setup named(String name) {
      for (Setup s : values()) {
        if (s.name.equals(name.trim())) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown lag configuration " + name + " (tuned, horizon-poll, events-by-tag, textbook)");
    }
  }

  /** {@code idle} zero: no idle measurement (the warm-up run). */
  record Load(int rate, Duration duration, int sampleEvery, Duration idle) {
    Load warmUp(Duration d) {
      return new Load(rate, d, sampleEvery, Duration.ZERO);
    }
  }

  /** What one configuration measured; the counts let a smoke test check that everything added up. */
  record Result(
      Setup setup, long sent, long acknowledged, long failed, long journalRows, double seconds,
      long sampled, List<Double> lagsMs, long notVisible, double loadTransactionsPerSecond, double cpuPercent,
      double idleTransactionsPerSecond) {
    double pct(double p) {
      return lagsMs.isEmpty() ? Double.NaN : lagsMs.get(Math.min(lagsMs.size() - 1, (int) Math.floor(p * lagsMs.size())));
    }

    double max() {
      return lagsMs.isEmpty() ? Double.NaN : lagsMs.getLast();
    }
  }

  private static final int MAX_IN_FLIGHT = 256;

  private LagScenario() {}

  static Result run(Setup setup, Config base, DatabaseSettings db, ReadsideNode writer, Load load, PrintWriter out)
      throws Exception {
    BenchCommand.resetProjections(db, base.getInt("readside.slices"));
    Config config = ConfigFactory.parseMap(setup.overrides).withFallback(base);
    try (ReadsideNode node = ReadsideNode.start(config, db, EnumSet.of(Role.PROJECTION, Role.READ_API));
        HttpClientHolder http = new HttpClientHolder()) {
      BenchCommand.awaitCaughtUp(db, Duration.ofMinutes(30));
      out.printf("[lag %s] %d adds/s for %d s through HTTP, lag of every %d-th ...%n",
          setup.name, load.rate(), load.duration().toSeconds(), load.sampleEvery());
      out.flush();
      String write = "http://127.0.0.1:" + writer.writeSideAddress().orElseThrow().getPort();
      String read = "http://127.0.0.1:" + node.readApiAddress().orElseThrow().getPort();
      long total = (long) load.rate() * load.duration().toSeconds();
      int carts = (int) Math.max(2000, total / 50); // at most 50 lines a cart (the limit is 100)
      String prefix = "lag-" + setup.name + "-" + System.currentTimeMillis() + "-";
      AtomicLong acknowledged = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      AtomicLong notVisible = new AtomicLong();
      ConcurrentLinkedQueue<Double> lags = new ConcurrentLinkedQueue<>();
      List<CompletableFuture<?>> pending = new ArrayList<>();
      Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
      long sampled = 0;
      long transactionsBefore = transactions(db);
      long cpuBefore = processCpuNanos();
      long start = System.nanoTime();
      for (long i = 0; i < total; i++) {
        long due = start + i * 1_000_000_000L / load.rate();
        for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
          LockSupport.parkNanos(due - now); // pacing the load, not waiting for a result
        }
        String cart = prefix + (i % carts);
        boolean sample = i % load.sampleEvery() == 0;
        sampled += sample ? 1 : 0;
        inFlight.acquire();
        HttpRequest add = HttpRequest.newBuilder(URI.create(write + "/carts/" + cart + "/items"))
            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"itemId\":\"i" + (i / carts) + "\",\"quantity\":1,\"unitPriceCents\":1}"))
            .build();
        pending.add(http.client.sendAsync(add, HttpResponse.BodyHandlers.ofString())
            .whenComplete((r, e) -> inFlight.release())
            .thenCompose(r -> {
              long acked = System.nanoTime();
              if (r.statusCode() != 200) {
                failed.incrementAndGet();
                notVisible.addAndGet(sample ? 1 : 0);
                return CompletableFuture.completedFuture(null);
              }
              long seqNr = seqNr(r.body());
              acknowledged.incrementAndGet();
              if (!sample) {
                return CompletableFuture.completedFuture(null);
              }
              HttpRequest visible = HttpRequest.newBuilder(URI.create(read + "/carts/" + cart + "?minSeqNr=" + seqNr + "&waitMs=10000"))
                  .timeout(Duration.ofSeconds(30)).build();
              return http.client.sendAsync(visible, HttpResponse.BodyHandlers.discarding()).handle((v, e) -> {
                if (v != null && v.statusCode() == 200) {
                  lags.add((System.nanoTime() - acked) / 1e6);
                } else {
                  notVisible.incrementAndGet();
                }
                return null;
              });
            })
            .exceptionally(e -> {
              // The add itself got no answer (its outcome is unknown, like a 503).
              failed.incrementAndGet();
              notVisible.addAndGet(sample ? 1 : 0);
              return null;
            }));
      }
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuPercent = (processCpuNanos() - cpuBefore) / 1e7 / seconds;
      double loadTransactions = (transactions(db) - transactionsBefore) / seconds;
      long journalRows = journalRows(db, prefix);
      out.printf("[lag %s] %d sent in %.1f s, %d acknowledged, %d failed; waiting until caught up, then idle load over %d s ...%n",
          setup.name, total, seconds, acknowledged.get(), failed.get(), load.idle().toSeconds());
      out.flush();
      BenchCommand.awaitCaughtUp(db, Duration.ofMinutes(30));
      double idle = load.idle().isZero() ? Double.NaN : idleTransactionsPerSecond(db, load.idle());
      List<Double> sorted = new ArrayList<>(lags);
      Collections.sort(sorted);
      return new Result(setup, total, acknowledged.get(), failed.get(), journalRows, seconds, sampled, sorted,
          notVisible.get(), loadTransactions, cpuPercent, idle);
    }
  }

  private static long seqNr(String body) {
    try {
      JsonNode reply = Json.MAPPER.readTree(body);
      return reply.get("seqNr").asLong();
    } catch (Exception e) {
      throw new IllegalStateException("unexpected write reply: " + body, e);
    }
  }

  private static long journalRows(DatabaseSettings db, String prefix) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM public.event_journal WHERE persistence_id LIKE ?")) {
      ps.setString(1, "ShoppingCart|" + prefix + "%");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Transactions per second the whole database ran (pg_stat_database commits + rollbacks) while
   * nothing was written. A backend reports its counts when it goes idle, but at most once a
   * second, else within 10 s: so the window starts 12 s after the load, or the load's last
   * transactions would be counted as idle ones. The window's own reading is subtracted.
   */
  static double idleTransactionsPerSecond(DatabaseSettings db, Duration window) throws Exception {
    LockSupport.parkNanos(Duration.ofSeconds(12).toNanos()); // until every backend has reported the load's transactions
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      long before = transactions(c);
      long start = System.nanoTime();
      LockSupport.parkNanos(window.toNanos()); // the measured idle window itself
      long after = transactions(c);
      double seconds = (System.nanoTime() - start) / 1e9;
      return (after - before - 1) / seconds;
    }
  }

  /** CPU time of this JVM (write side, worker, read API and the load), all cores together. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long transactions(DatabaseSettings db) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      return transactions(c);
    }
  }

  private static long transactions(Connection c) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The HTTP client and its executor, closed together. */
  private static final class HttpClientHolder implements AutoCloseable {
    final ExecutorService executor = Executors.newFixedThreadPool(4);
    final HttpClient client = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public void close() {
      client.close();
      executor.shutdownNow();
    }
  }
}
