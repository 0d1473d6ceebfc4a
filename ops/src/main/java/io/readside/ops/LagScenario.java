package io.readside.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.Json;
import io.readside.projections.admin.AdminToken;
import io.readside.writeside.ShoppingCart;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
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
import java.util.function.LongSupplier;

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
    /** Horizon source woken by LISTEN/NOTIFY, a page a transaction, waiting reads woken by NOTIFY. */
    TUNED("tuned", Map.of("readside.worker.source", "horizon", "readside.worker.horizon.push", "on",
        "readside.read-api.wait-notify", "on")),
    /** The horizon source polling every 100 ms, reads polled every 25 ms (before issue 13's push). */
    HORIZON_POLL("horizon-poll", Map.of("readside.worker.source", "horizon", "readside.worker.horizon.push", "off",
        "readside.read-api.wait-notify", "off")),
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

  /**
   * {@code warmUp}: the same load, unmeasured, on each configuration's own worker and read API
   * first (separate JVMs start cold: JIT); {@code idle} zero: no idle measurement.
   */
  record Load(int rate, Duration duration, int sampleEvery, Duration idle, Duration warmUp) {}

  /** What one paced load run counted; lags in ms, unsorted. */
  private record Driven(long sent, long sampled, long acknowledged, long failed, long notVisible, List<Double> lagsMs,
      List<LagStages.Sample> samples, double seconds) {}

  /** What one configuration measured; the counts let a smoke test check that everything added up. */
  record Result(
      Setup setup, long sent, long acknowledged, long failed, long journalRows, double seconds,
      long sampled, List<Double> lagsMs, long notVisible, double loadTransactionsPerSecond, double cpuPercent,
      double idleTransactionsPerSecond, LagStages.Breakdown stages) {
    double pct(double p) {
      return Percentile.of(lagsMs, p);
    }

    double max() {
      return lagsMs.isEmpty() ? Double.NaN : lagsMs.getLast();
    }
  }

  private static final int MAX_IN_FLIGHT = 256;

  private LagScenario() {}

  /**
   * The write side, started once for every configuration, and how to start a configuration's
   * worker and read API beside it: in this JVM, or as {@code readside worker} and
   * {@code readside read-api} JVMs with {@code jvmOptions}.
   */
  record Deployment(BenchProcess.Jvms jvms, DatabaseSettings db, List<String> jvmOptions, Path logDir, AutoCloseable writer,
      String writeUrl, LongSupplier writerCpu) implements AutoCloseable {
    static Deployment start(BenchProcess.Jvms jvms, Config base, DatabaseSettings db, List<String> jvmOptions) throws Exception {
      Path logDir = Files.createTempDirectory("readside-bench-nodes");
      return switch (jvms) {
        case ONE -> {
          ReadsideNode node = ReadsideNode.start(base, db, EnumSet.of(Role.WRITE));
          yield new Deployment(jvms, db, jvmOptions, logDir, node,
              "http://127.0.0.1:" + node.writeSideAddress().orElseThrow().getPort(), () -> 0L);
        }
        case SEPARATE -> {
          int port = BenchProcess.freePort();
          BenchProcess p = BenchProcess.start("write-side", db, Map.of("WRITE_SIDE_PORT", Integer.toString(port)),
              Map.of("pekko.loglevel", "WARNING"), jvmOptions, logDir);
          yield new Deployment(jvms, db, jvmOptions, logDir, p, "http://127.0.0.1:" + port, p::cpuNanos);
        }
      };
    }

    String describe() {
      return switch (jvms) {
        case ONE -> "one JVM: write side, worker, read API and the load";
        case SEPARATE -> "separate JVMs (" + String.join(" ", jvmOptions) + "): write side, worker, read API; the load in the bench's JVM; logs in " + logDir;
      };
    }

    /** A configuration's worker (3 projections x all slices) and read API. */
    Pipeline pipeline(Config config, Setup setup) throws Exception {
      return switch (jvms) {
        case ONE -> {
          ReadsideNode node = ReadsideNode.start(config, db, EnumSet.of(Role.PROJECTION, Role.READ_API));
          yield new Pipeline("http://127.0.0.1:" + node.readApiAddress().orElseThrow().getPort(), () -> 0L, node);
        }
        case SEPARATE -> {
          Map<String, String> settings = new java.util.TreeMap<>(setup.overrides);
          settings.put("pekko.loglevel", "WARNING");
          int port = BenchProcess.freePort();
          // Both at once: each JVM's start (class loading, JIT) takes seconds on a busy machine.
          CompletableFuture<BenchProcess> starting = CompletableFuture.supplyAsync(() -> start("read-api",
              Map.of("READ_API_PORT", Integer.toString(port)), settings));
          BenchProcess worker;
          try {
            worker = start("worker", Map.of("ADMIN_TOKEN", AdminToken.generate(), "ADMIN_PORT", "0"), settings);
          } catch (RuntimeException e) {
            starting.thenAccept(BenchProcess::closeQuietly);
            throw e;
          }
          BenchProcess readApi;
          try {
            readApi = starting.join();
          } catch (RuntimeException e) {
            worker.close();
            throw e;
          }
          yield new Pipeline("http://127.0.0.1:" + port, () -> worker.cpuNanos() + readApi.cpuNanos(), () -> {
            readApi.close();
            worker.close();
          });
        }
      };
    }

    private BenchProcess start(String command, Map<String, String> env, Map<String, String> settings) {
      try {
        return BenchProcess.start(command, db, env, settings, jvmOptions, logDir);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** CPU of the bench's JVM and the write side's, all cores together. */
    long cpuNanos() {
      return processCpuNanos() + writerCpu.getAsLong();
    }

    @Override
    public void close() throws Exception {
      writer.close();
    }
  }

  /** A configuration's read API and worker, running. */
  record Pipeline(String readUrl, LongSupplier cpuNanos, AutoCloseable nodes) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      nodes.close();
    }
  }

  static Result run(Setup setup, Config base, DatabaseSettings db, Deployment deployment, Load load, PrintWriter out)
      throws Exception {
    BenchCommand.resetProjections(db, base.getInt("readside.slices"));
    Config config = ConfigFactory.parseMap(setup.overrides).withFallback(base);
    try (Pipeline pipeline = deployment.pipeline(config, setup);
        HttpClientHolder http = new HttpClientHolder()) {
      BenchCommand.awaitCaughtUp(db, Duration.ofMinutes(30));
      String prefix = "lag-" + setup.name + "-" + System.currentTimeMillis() + "-";
      if (!load.warmUp().isZero()) {
        out.printf("[lag %s] warming up: %d adds/s for %d s (not measured) ...%n", setup.name, load.rate(), load.warmUp().toSeconds());
        out.flush();
        drive(http.client, deployment.writeUrl(), pipeline.readUrl(), load.rate(), load.warmUp(), load.sampleEvery(), prefix + "w");
        BenchCommand.awaitCaughtUp(db, Duration.ofMinutes(30));
      }
      out.printf("[lag %s] %d adds/s for %d s through HTTP, lag of every %d-th ...%n",
          setup.name, load.rate(), load.duration().toSeconds(), load.sampleEvery());
      out.flush();
      long transactionsBefore = transactions(db);
      long cpuBefore = deployment.cpuNanos() + pipeline.cpuNanos().getAsLong();
      Driven d = drive(http.client, deployment.writeUrl(), pipeline.readUrl(), load.rate(), load.duration(), load.sampleEvery(),
          prefix + "m");
      double cpuPercent = (deployment.cpuNanos() + pipeline.cpuNanos().getAsLong() - cpuBefore) / 1e7 / d.seconds();
      double loadTransactions = (transactions(db) - transactionsBefore) / d.seconds();
      long journalRows = journalRows(db, prefix + "m");
      out.printf("[lag %s] %d sent in %.1f s, %d acknowledged, %d failed; waiting until caught up, then idle load over %d s ...%n",
          setup.name, d.sent(), d.seconds(), d.acknowledged(), d.failed(), load.idle().toSeconds());
      out.flush();
      BenchCommand.awaitCaughtUp(db, Duration.ofMinutes(30));
      LagStages.Breakdown stages = LagStages.measure(db, d.samples());
      double idle = load.idle().isZero() ? Double.NaN : idleTransactionsPerSecond(db, load.idle());
      List<Double> sorted = new ArrayList<>(d.lagsMs());
      Collections.sort(sorted);
      return new Result(setup, d.sent(), d.acknowledged(), d.failed(), journalRows, d.seconds(), d.sampled(), sorted,
          d.notVisible(), loadTransactions, cpuPercent, idle, stages);
    }
  }

  /**
   * Adds at {@code rate} for {@code duration} (open loop, at most MAX_IN_FLIGHT unanswered), each
   * to one of the carts {@code prefix}0..; for every n-th, the time from its reply to the read
   * API answering {@code GET /carts/{id}?minSeqNr=<its seqNr>}.
   */
  private static Driven drive(HttpClient client, String write, String read, int rate, Duration duration, int sampleEvery,
      String prefix) throws Exception {
    long total = (long) rate * duration.toSeconds();
    int carts = (int) Math.max(2000, total / 50); // at most 50 lines a cart (the limit is 100)
    AtomicLong acknowledged = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong notVisible = new AtomicLong();
    ConcurrentLinkedQueue<Double> lags = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<LagStages.Sample> samples = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    long sampled = 0;
    long start = System.nanoTime();
    for (long i = 0; i < total; i++) {
      long due = start + i * 1_000_000_000L / rate;
      for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
        LockSupport.parkNanos(due - now); // pacing the load, not waiting for a result
      }
      String cart = prefix + (i % carts);
      String item = "i" + (i / carts);
      boolean sample = i % sampleEvery == 0;
      sampled += sample ? 1 : 0;
      inFlight.acquire();
      HttpRequest add = HttpRequest.newBuilder(URI.create(write + "/carts/" + cart + "/items"))
          .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"itemId\":\"" + item + "\",\"quantity\":1,\"unitPriceCents\":1}"))
          .build();
      pending.add(client.sendAsync(add, HttpResponse.BodyHandlers.ofString())
          .whenComplete((r, e) -> inFlight.release())
          .thenCompose(r -> {
            long acked = System.nanoTime();
            Instant ackedAt = Instant.now();
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
            return client.sendAsync(visible, HttpResponse.BodyHandlers.discarding()).handle((v, e) -> {
              if (v != null && v.statusCode() == 200) {
                double lag = (System.nanoTime() - acked) / 1e6;
                lags.add(lag);
                samples.add(new LagStages.Sample(ShoppingCart.persistenceIdOf(cart), seqNr, cart, item,
                    ackedAt.getEpochSecond() * 1_000_000 + ackedAt.getNano() / 1_000, lag));
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
    return new Driven(total, sampled, acknowledged.get(), failed.get(), notVisible.get(), List.copyOf(lags),
        List.copyOf(samples), seconds);
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
      ps.setString(1, ShoppingCart.persistenceIdOf(prefix) + "%");
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

  /** CPU time of this JVM, all cores together. */
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

  /**
   * The HTTP client and its executor, closed together. One thread runs the callbacks (a reply's
   * timestamp and its visibility read, a visibility's timestamp): the load shares the machine with
   * what it measures, and four threads here made the measured p99 worse by themselves (four runs
   * each, alternating: p99 131-154 ms with one thread, 155-238 with four; issue 13).
   */
  private static final class HttpClientHolder implements AutoCloseable {
    final ExecutorService executor = Executors.newSingleThreadExecutor();
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor).connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public void close() {
      client.close();
      executor.shutdownNow();
    }
  }
}
