package io.readside.ops;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.EmbeddedPostgresServer;
import io.readside.platform.ReadsideConfig;
import io.readside.projections.DeadLetters;
import io.readside.projections.Projections;
import io.readside.projections.admin.OffsetStore;
import io.readside.projections.ReadModelProjection;
import io.readside.projections.Worker;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Measures the pipeline on this machine and prints a table: write rate through the persistent
 * carts, catch-up rate of the three projections over an already-grown journal (the case the
 * generic-plan trap slowed fifteen-fold), and end-to-end lag from a write's reply to the read
 * API showing it.
 */
@Command(name = "bench", description = "Measures write rate, projection catch-up and end-to-end lag; prints a table.")
final class BenchCommand implements java.util.concurrent.Callable<Integer> {
  @Option(names = "--events", defaultValue = "20000",
      description = "catch-up: events written through the carts before it; write: events the tuned configuration writes (default: ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--carts", defaultValue = "500", description = "Carts to spread them over (default: ${DEFAULT-VALUE}).")
  int carts;

  @Option(names = "--concurrency", defaultValue = "64", description = "Commands in flight (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--lag-samples", defaultValue = "200", description = "Writes whose end-to-end lag is measured (default: ${DEFAULT-VALUE}).")
  int lagSamples;

  @Option(names = "--sources", defaultValue = "horizon,events-by-tag,textbook", split = ",",
      description = "catch-up: configurations to measure, each over the same journal: an event source at Readside's settings"
          + " (horizon, events-by-tag) or textbook (eventsByTag at the read journal's defaults, one event per transaction)"
          + " (default: ${DEFAULT-VALUE}).")
  List<String> sources;

  @Option(names = "--scenario", defaultValue = "all",
      description = "write (commands to the persistent carts, tuned and one at a time), catch-up (write through the carts,"
          + " then catch-up and sequential lag per source), lag (paced load, lag percentiles and idle load per configuration),"
          + " read (seeded read model, HTTP load on the read API), rebuild (seeded journal, each projection rebuilt through"
          + " the admin endpoint) or all (default: ${DEFAULT-VALUE}).")
  String scenario;

  @Option(names = "--lag-configs", defaultValue = "tuned,horizon-poll,events-by-tag,textbook", split = ",",
      description = "Configurations the lag scenario compares (default: ${DEFAULT-VALUE}).")
  List<String> lagConfigs;

  @Option(names = "--lag-rate", defaultValue = "1000", description = "Adds per second in the lag scenario (default: ${DEFAULT-VALUE}).")
  int lagRate;

  @Option(names = "--lag-seconds", defaultValue = "30", description = "How long the lag scenario's load runs (default: ${DEFAULT-VALUE}).")
  int lagSeconds;

  @Option(names = "--lag-sample-every", defaultValue = "20", description = "Measure the lag of every n-th add (default: ${DEFAULT-VALUE}).")
  int lagSampleEvery;

  // 40, not 10: with 10, the JIT compilers of the four JVMs still took 70-85 % of a core in the
  // first 12 s of the measured load (perf, all CPUs, 4 s bins; docs/BENCHMARKS.md, 2026-12-01),
  // so the lag measured the nodes' warm-up; after ~30 s of load they take 10-20 %.
  @Option(names = "--lag-warm-up-seconds", defaultValue = "40", description = "Unmeasured load on each lag configuration"
      + " before its measured one, until the nodes' JIT compilation has settled (default: ${DEFAULT-VALUE}).")
  int lagWarmUpSeconds;

  @Option(names = "--idle-seconds", defaultValue = "30", description = "Window of the idle-load measurement (default: ${DEFAULT-VALUE}).")
  int idleSeconds;

  @Option(names = "--items", defaultValue = "100000", description = "read: distinct items seeded, 10 per cart (default: ${DEFAULT-VALUE}).")
  int items;

  @Option(names = "--read-connections", defaultValue = "32", description = "read: concurrent HTTP connections (default: ${DEFAULT-VALUE}).")
  int readConnections;

  @Option(names = "--read-seconds", defaultValue = "15", description = "read: measured seconds per route (default: ${DEFAULT-VALUE}).")
  int readSeconds;

  @Option(names = "--read-warmup-seconds", defaultValue = "5", description = "read: unmeasured seconds per route first (default: ${DEFAULT-VALUE}).")
  int readWarmupSeconds;

  @Option(names = "--jvms", defaultValue = "separate",
      description = "lag and read: separate (write side, worker and read API each in its own JVM, as deployed; the load in"
          + " this one) or one (everything in this JVM) (default: ${DEFAULT-VALUE}).")
  String jvms;

  @Option(names = "--node-jvm-options", defaultValue = "-Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=10",
      description = "With --jvms separate: the nodes' JVM options, space separated (default: ${DEFAULT-VALUE}).")
  String nodeJvmOptions;

  @Spec
  CommandSpec spec;

  private List<String> nodeJvmOptions() {
    return java.util.Arrays.stream(nodeJvmOptions.trim().split("\\s+")).filter(o -> !o.isEmpty()).toList();
  }

  @Option(names = "--json", description = "Where to write the JSON report (default: bench-<UTC timestamp>.json in the working directory).")
  Path json;

  /** The scenarios --scenario all runs, in this order. */
  static final List<String> SCENARIOS = List.of("write", "catch-up", "lag", "read", "rebuild");

  @Option(names = "--write-concurrency", defaultValue = "256",
      description = "write: commands in flight in the tuned configuration (default: ${DEFAULT-VALUE}).")
  int writeConcurrency;

  @Option(names = "--write-carts", defaultValue = "2000", description = "write: carts the commands go to (default: ${DEFAULT-VALUE}).")
  int writeCarts;

  @Option(names = "--write-textbook-events", defaultValue = "2000",
      description = "write: events the textbook configuration (one command at a time) writes; its rate is the figure (default: ${DEFAULT-VALUE}).")
  int writeTextbookEvents;

  @Option(names = "--rebuild-events", defaultValue = "1000000",
      description = "rebuild: events seeded into the journal before the projections are rebuilt (default: ${DEFAULT-VALUE}).")
  int rebuildEvents;

  @Option(names = "--rebuild-textbook-events", defaultValue = "20000",
      description = "rebuild: the smaller journal the textbook configuration rebuilds first, extrapolated; 0 skips it (default: ${DEFAULT-VALUE}).")
  int rebuildTextbookEvents;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<String> chosen = scenario.equals("all") ? SCENARIOS : List.of(scenario);
    if (!SCENARIOS.containsAll(chosen)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--scenario must be all or one of " + String.join(", ", SCENARIOS));
    }
    Instant started = Instant.now();
    Path jsonFile = json != null ? json
        : Path.of("bench-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started) + ".json");
    Config base = ReadsideConfig.load(ConfigFactory.parseMap(Map.of(
        "readside.write-side.port", 0, "readside.read-api.port", 0, "pekko.remote.artery.canonical.port", 0,
        "pekko.loglevel", "WARNING")));
    EmbeddedPostgresServer embedded = null;
    Path dataDir = null;
    DatabaseSettings db;
    if (base.getString("readside.database.url").isBlank()) {
      DevLib.requireEmbeddedPostgres("bench");
      dataDir = Files.createTempDirectory("readside-bench-pg");
      out.println("starting an embedded PostgreSQL 17 in " + dataDir + " ...");
      out.flush();
      // Commit timestamps: the lag scenario splits each sample's lag into stages with them (LagStages).
      embedded = EmbeddedPostgresServer.start(dataDir, 0, true, true, Map.of("track_commit_timestamp", "on"));
      embedded.ensureDatabase("bench");
      db = embedded.settings("bench");
    } else {
      db = DatabaseSettings.fromConfig(base);
      out.println("using DATABASE_URL " + db.url() + " (it should be an empty database)");
    }
    List<LagScenario.Setup> setups = lagConfigs.stream().map(LagScenario.Setup::named).toList();
    BenchProcess.Jvms jvmsMode = BenchProcess.Jvms.named(jvms);
    try (HeapWatch heap = new HeapWatch()) {
      out.println("migrating ...");
      out.flush();
      Migrations.migrate(db);
      BenchReport.Machine machine = BenchReport.machine(db, embedded != null);
      List<BenchRow> rows = new ArrayList<>();
      List<LagScenario.Result> lagResults = new ArrayList<>();
      for (String s : chosen) {
        DatabaseSettings sdb = db;
        if (embedded != null && chosen.size() > 1) {
          // Every scenario on a fresh database of its own, as if run alone: a journal grown by the
          // ones before would change what it measures (and the textbook catch-ups' time with it).
          String name = "bench_" + s.replace('-', '_');
          embedded.ensureDatabase(name);
          sdb = embedded.settings(name);
          out.printf("[%s] on a fresh database %s, migrating ...%n", s, name);
          out.flush();
          Migrations.migrate(sdb);
        }
        heap.reset();
        DatabaseSettings scenarioDb = sdb;
        switch (s) {
          case "write" -> rows.addAll(WriteScenario.run(WriteScenario.setups(events, writeConcurrency, writeTextbookEvents), writeCarts, base, scenarioDb,
              out, spec.commandLine().getErr()));
          case "catch-up" -> withWriter(out, base, scenarioDb, writer -> catchUp(out, base, scenarioDb, writer, rows));
          case "lag" -> lag(out, base, scenarioDb, jvmsMode, setups, lagResults, rows);
          case "read" -> {
            ReadBench.Settings settings = new ReadBench.Settings(
                items, 10, readConnections, Duration.ofSeconds(readWarmupSeconds), Duration.ofSeconds(readSeconds));
            new ReadBench(settings, jvmsMode, nodeJvmOptions(), out).run(base, scenarioDb).forEach(r -> rows.add(BenchRow.fromColumns("read", r)));
          }
          case "rebuild" -> rows.addAll(new RebuildScenario(new RebuildScenario.Settings(rebuildEvents, rebuildTextbookEvents), out)
              .run(base, scenarioDb));
          default -> throw new IllegalStateException("no scenario " + s);
        }
        rows.add(heap.row(s));
        if (embedded != null && chosen.size() > 1) {
          // Its autovacuum would otherwise work through the scenario's tables during the next one
          // (the lag scenario after catch-up's 150,000 events: the horizon stage's p99 168 ms).
          embedded.dropDatabase("bench_" + s.replace('-', '_'));
        }
      }
      BenchReport report = new BenchReport(started, null, commandLine(), machine, rows).finish(Instant.now());
      report.print(out);
      if (!lagResults.isEmpty()) {
        LagReport.print(out, lagResults);
      }
      report.write(jsonFile);
      out.printf("%nJSON report: %s%n", jsonFile.toAbsolutePath());
      return 0;
    } finally {
      if (embedded != null) {
        embedded.close();
        EmbeddedPostgresServer.deleteRecursively(dataDir);
      }
    }
  }

  /** The command line as given (the parse result holds the sub-command and its arguments). */
  private List<String> commandLine() {
    List<String> args = new ArrayList<>(List.of("readside"));
    args.addAll(spec.commandLine().getParseResult().originalArgs());
    return args;
  }

  @FunctionalInterface
  private interface WithNode {
    void run(ReadsideNode node) throws Exception;
  }

  /** A node running the write side and the read API, for the scenarios that write through the carts. */
  private static void withWriter(PrintWriter out, Config base, DatabaseSettings db, WithNode body) throws Exception {
    out.println("starting the write side ...");
    out.flush();
    try (ReadsideNode writer = ReadsideNode.start(base, db, EnumSet.of(Role.WRITE, Role.READ_API))) {
      body.run(writer);
    }
  }

  private void lag(PrintWriter out, Config base, DatabaseSettings db, BenchProcess.Jvms jvmsMode, List<LagScenario.Setup> setups,
      List<LagScenario.Result> results, List<BenchRow> rows) throws Exception {
    LagScenario.Load load = new LagScenario.Load(lagRate, Duration.ofSeconds(lagSeconds), lagSampleEvery,
        Duration.ofSeconds(idleSeconds), Duration.ofSeconds(lagWarmUpSeconds));
    try (LagScenario.Deployment deployment = LagScenario.Deployment.start(jvmsMode, base, db, nodeJvmOptions())) {
      out.println("[lag] " + deployment.describe());
      for (LagScenario.Setup setup : setups) {
        LagScenario.Result r = LagScenario.run(setup, base, db, deployment, load, out);
        results.add(r);
        rows.add(LagReport.row(r));
        rows.addAll(LagReport.stageRows(r));
      }
    }
    rows.addAll(LagReport.ratioRows(results, idleSeconds > 0));
  }


  private void catchUp(PrintWriter out, Config base, DatabaseSettings db, ReadsideNode writer, List<BenchRow> rows) throws Exception {
    out.printf("writing %d events over %d carts (%d in flight) ...%n", events, carts, concurrency);
    out.flush();
    double writeSeconds = WriteScenario.send(writer, "bench-", events, carts, concurrency, spec.commandLine().getErr());
    rows.add(BenchRow.timed("catch-up", "", "write through persistent carts", events, writeSeconds, "events/s"));

    Map<String, Double> rates = new java.util.LinkedHashMap<>();
    for (String source : sources) {
      Map<String, String> overrides = catchUpConfig(source);
      resetProjections(db, base.getInt("readside.slices"));
      long journal = journalEvents(db);
      out.printf("[catch-up %s] catching up 3 projections over %,d events from offset 0 ...%n", source, journal);
      out.flush();
      Config workerConfig = ConfigFactory.parseMap(overrides).withFallback(base);
      long start = System.nanoTime();
      try (ReadsideNode worker = ReadsideNode.start(workerConfig, db, EnumSet.of(Role.PROJECTION))) {
        awaitCaughtUp(db, Duration.ofMinutes(30));
        double catchUp = (System.nanoTime() - start) / 1e9;
        rows.add(BenchRow.timed("catch-up", source, "catch-up, each of 3 projections", journal, catchUp, "events/s"));
        rates.put(source, journal / catchUp);
        if (source.equals(TEXTBOOK)) {
          // Its lag is the read journal's 1 s polling: the lag scenario measures it under load.
          continue;
        }
        out.printf("[catch-up %s] measuring end-to-end lag over %d writes ...%n", source, lagSamples);
        out.flush();
        List<Double> lags = lag(writer, source);
        Collections.sort(lags);
        rows.add(new BenchRow("catch-up", source, "end-to-end lag (reply -> read API), ms", lags.size(),
            String.format("p50 %.0f  p95 %.0f  max %.0f", Percentile.of(lags, 0.50), Percentile.of(lags, 0.95), lags.getLast()), "",
            List.of(new BenchRow.Value("p50", Percentile.of(lags, 0.50), "ms"), new BenchRow.Value("p95", Percentile.of(lags, 0.95), "ms"),
                new BenchRow.Value("max", lags.getLast(), "ms"))));
      }
    }
    Double textbook = rates.get(TEXTBOOK);
    if (textbook != null) {
      rates.forEach((source, rate) -> {
        if (!source.equals(TEXTBOOK)) {
          rows.add(BenchRow.ratio("catch-up", "catch-up rate, " + source + " / textbook", rate / textbook));
        }
      });
    }
  }

  /** The catch-up scenario's textbook configuration: eventsByTag at the read journal's defaults, one event per transaction. */
  static final String TEXTBOOK = "textbook";

  /** A --sources name: an event source at Readside's settings, or {@value #TEXTBOOK}. */
  private Map<String, String> catchUpConfig(String source) {
    if (source.equals(TEXTBOOK)) {
      return LagScenario.Setup.TEXTBOOK.overrides;
    }
    try {
      Worker.Source.fromConfig(ConfigFactory.parseMap(Map.of("readside.worker.source", source)));
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--sources: " + source
          + " is not horizon, events-by-tag or " + TEXTBOOK);
    }
    return Map.of("readside.worker.source", source);
  }

  /** Events in the journal (its tag rows: one per event). */
  static long journalEvents(DatabaseSettings db) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM event_tag")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Every projection back to nothing applied, so the next source catches up over the same journal. */
  static void resetProjections(DatabaseSettings db, int slices) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      c.setAutoCommit(false);
      for (ReadModelProjection p : Projections.all()) {
        for (int slice = 0; slice < slices; slice++) {
          p.deleteSlice(c, slice);
        }
      }
      OffsetStore.clearAll(c);
      DeadLetters.deleteAll(c);
      c.commit();
    }
  }

  /**
   * Polls until every projection's offset of every tag is at the tag's head. The heads come from
   * the (tag, event_id) index, a slice at a time (a GROUP BY over event_tag scanned the whole
   * journal every 100 ms, on the same cores as the catch-up it measures).
   */
  static void awaitCaughtUp(DatabaseSettings db, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password()); Statement s = c.createStatement()) {
      while (System.nanoTime() < deadline) {
        try (ResultSet rs = s.executeQuery("""
            SELECT count(*) FILTER (WHERE CASE WHEN o.manifest = 'STR'
                     THEN NOT EXISTS (SELECT 1 FROM event_tag t WHERE t.tag = h.tag AND (t.tx_id, t.event_id)
                            > (split_part(o.current_offset, ':', 1)::xid8, split_part(o.current_offset, ':', 2)::bigint))
                     ELSE COALESCE(o.current_offset::bigint, 0) >= h.head END), count(*)
              FROM (WITH RECURSIVE tags AS (
                      SELECT min(tag) AS tag FROM event_tag
                      UNION ALL
                      SELECT (SELECT min(e.tag) FROM event_tag e WHERE e.tag > tags.tag) FROM tags WHERE tags.tag IS NOT NULL)
                    SELECT tag, (SELECT max(e.event_id) FROM event_tag e WHERE e.tag = tags.tag) AS head
                      FROM tags WHERE tag IS NOT NULL) h
              CROSS JOIN (VALUES ('cart-summary'), ('item-popularity'), ('daily-sales')) p(name)
              LEFT JOIN pekko_projection_offset_store o ON o.projection_name = p.name AND o.projection_key = h.tag
            """)) {
          rs.next();
          // No tag rows at all (the lag scenario on a fresh database): nothing to catch up.
          if (rs.getLong(1) == rs.getLong(2)) {
            return;
          }
        }
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("projections did not catch up within " + timeout);
  }

  /** One write at a time, each followed by a read that waits for its seqNr. */
  private List<Double> lag(ReadsideNode node, String source) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String write = "http://127.0.0.1:" + node.writeSideAddress().orElseThrow().getPort();
    String read = "http://127.0.0.1:" + node.readApiAddress().orElseThrow().getPort();
    List<Double> lags = new ArrayList<>();
    for (int i = 0; i < lagSamples; i++) {
      HttpResponse<String> written = http.send(
          HttpRequest.newBuilder(URI.create(write + "/carts/lag-" + source + "-" + i + "/items"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"itemId\":\"x\",\"quantity\":1,\"unitPriceCents\":1}")).build(),
          HttpResponse.BodyHandlers.ofString());
      long acked = System.nanoTime();
      if (written.statusCode() != 200) {
        throw new IllegalStateException("write failed: " + written.body());
      }
      HttpResponse<String> visible = http.send(
          HttpRequest.newBuilder(URI.create(read + "/carts/lag-" + source + "-" + i + "?minSeqNr=1&waitMs=10000")).build(),
          HttpResponse.BodyHandlers.ofString());
      if (visible.statusCode() != 200) {
        throw new IllegalStateException("not visible after 10 s: " + visible.body());
      }
      lags.add((System.nanoTime() - acked) / 1e6);
    }
    return lags;
  }
}
