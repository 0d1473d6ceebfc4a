package io.readside.ops;

import com.typesafe.config.Config;
import io.readside.events.CartEvent;
import io.readside.platform.DatabaseSettings;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * The {@code read} scenario of {@code readside bench}: seeds carts whose lines name
 * {@code items} distinct items straight into the journal, lets the projections build the read
 * model from it, checks that the counts add up, then puts concurrent HTTP load on
 * {@code GET /carts/{id}} and {@code GET /items/popular}, one route at a time, and reports
 * requests per second and latency percentiles. Beside it, in the same run, the SQL of the top
 * items the textbook way (sum every item's per-slice rows and sort, per request) against the
 * totals' index.
 */
final class ReadBench {
  /** Carts are seeded with this many lines each; every third is checked out. */
  record Settings(int items, int linesPerCart, int connections, Duration warmup, Duration duration) {
    int carts() {
      return (items + linesPerCart - 1) / linesPerCart;
    }
  }

  static final String CART_PREFIX = "read-";
  static final String ITEM_PREFIX = "ri-";
  private static final Instant SEEDED_AT = Instant.parse("2026-11-30T12:00:00Z");

  private final Settings settings;
  private final BenchProcess.Jvms jvms;
  private final List<String> jvmOptions;
  private final PrintWriter out;

  /** {@code jvms}: where the read API runs, in this JVM beside the load or in its own (with {@code jvmOptions}). */
  ReadBench(Settings settings, BenchProcess.Jvms jvms, List<String> jvmOptions, PrintWriter out) {
    this.settings = settings;
    this.jvms = jvms;
    this.jvmOptions = jvmOptions;
    this.out = out;
  }

  /** Rows for bench's table: source column, measure, count, time / figure, rate. */
  List<String[]> run(Config base, DatabaseSettings db) throws Exception {
    List<String[]> rows = new ArrayList<>();
    EnumSet<Role> roles = switch (jvms) {
      case ONE -> EnumSet.of(Role.PROJECTION, Role.READ_API);
      case SEPARATE -> EnumSet.of(Role.PROJECTION);
    };
    try (ReadsideNode node = ReadsideNode.start(base, db, roles)) {
      progress("[read] seeding %,d items over %,d carts into the journal ...", settings.items(), settings.carts());
      long start = System.nanoTime();
      long events = seed(node, db);
      double seedSeconds = seconds(start);
      rows.add(new String[] {"read", "seed journal (COPY of serialized events)", String.valueOf(events),
          String.format("%.2f s", seedSeconds), String.format("%.0f", events / seedSeconds)});

      progress("[read] projections building the read model from %,d events ...", events);
      start = System.nanoTime();
      BenchCommand.awaitCaughtUp(db, Duration.ofMinutes(30));
      double buildSeconds = seconds(start);
      rows.add(new String[] {"read", "catch-up, each of 3 projections", String.valueOf(events),
          String.format("%.2f s", buildSeconds), String.format("%.0f", events / buildSeconds)});
      checkCounts(db);

      rows.addAll(popularSql(db));

      try (ReadApiUnderLoad readApi = readApi(node, db)) {
        String api = readApi.url();
        int carts = settings.carts();
        // Built once: the client's work per request is then the exchange itself, not building requests.
        HttpRequest[] cartRequests = new HttpRequest[carts];
        Arrays.setAll(cartRequests, k -> get(URI.create(api + "/carts/" + CART_PREFIX + k)));
        rows.add(load("GET /carts/{id}", () -> cartRequests[ThreadLocalRandom.current().nextInt(carts)]));
        HttpRequest popular = get(URI.create(api + "/items/popular"));
        rows.add(load("GET /items/popular", () -> popular));
        HttpRequest popular100 = get(URI.create(api + "/items/popular?limit=100"));
        rows.add(load("GET /items/popular?limit=100", () -> popular100));
      }
    }
    return rows;
  }

  /** The read API the load goes to, and what stops it (nothing when it is the bench node's). */
  private record ReadApiUnderLoad(String url, AutoCloseable stop) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      stop.close();
    }
  }

  private ReadApiUnderLoad readApi(ReadsideNode node, DatabaseSettings db) throws Exception {
    return switch (jvms) {
      case ONE -> {
        progress("[read] the read API runs in this JVM, beside the load");
        yield new ReadApiUnderLoad("http://127.0.0.1:" + node.readApiAddress().orElseThrow().getPort(), () -> {});
      }
      case SEPARATE -> {
        int port = BenchProcess.freePort();
        BenchProcess p = BenchProcess.start("read-api", db, java.util.Map.of("READ_API_PORT", Integer.toString(port)),
            java.util.Map.of("pekko.loglevel", "WARNING"), jvmOptions, java.nio.file.Files.createTempDirectory("readside-bench-nodes"));
        progress("[read] the read API runs in its own JVM (%s, pid %d); the load in this one", String.join(" ", jvmOptions), p.pid());
        yield new ReadApiUnderLoad("http://127.0.0.1:" + port, p);
      }
    };
  }

  private void progress(String format, Object... args) {
    out.printf(format + "%n", args);
    out.flush();
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** Cart k adds items k·L … k·L+L-1 (quantity 1–5); every third cart then checks out. */
  private long seed(ReadsideNode node, DatabaseSettings db) throws SQLException {
    int slices = node.system().settings().config().getInt("readside.slices");
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      JournalSeeder seeder = new JournalSeeder(c, SerializationExtension.get(node.system()), slices);
      for (int k = 0; k < settings.carts(); k++) {
        String cartId = CART_PREFIX + k;
        Instant at = SEEDED_AT.plusMillis(k);
        List<CartEvent> events = new ArrayList<>();
        List<CartEvent.CheckedOutLine> lines = new ArrayList<>();
        for (int i = k * settings.linesPerCart(); i < Math.min(settings.items(), (k + 1) * settings.linesPerCart()); i++) {
          int quantity = 1 + i % 5;
          long price = 100 + i % 1_000;
          events.add(new CartEvent.ItemAdded(cartId, ITEM_PREFIX + i, quantity, price, at));
          lines.add(new CartEvent.CheckedOutLine(ITEM_PREFIX + i, quantity, price));
        }
        if (k % 3 == 0) {
          int total = lines.stream().mapToInt(CartEvent.CheckedOutLine::quantity).sum();
          long cents = lines.stream().mapToLong(l -> l.quantity() * l.unitPriceCents()).sum();
          events.add(new CartEvent.CheckedOut(cartId, lines, total, cents, at));
        }
        seeder.cart(cartId, events);
      }
      seeder.finish();
      return seeder.seeded();
    }
  }

  /** Every seeded item, cart and line is in the read model, once. */
  private void checkCounts(DatabaseSettings db) throws SQLException {
    long items = count(db, "SELECT count(*) FROM read_model.item_popularity_total WHERE item_id LIKE 'ri-%'");
    long carts = count(db, "SELECT count(*) FROM read_model.cart_summary WHERE cart_id LIKE 'read-%'");
    long lines = count(db, "SELECT count(*) FROM read_model.cart_line WHERE cart_id LIKE 'read-%'");
    progress("[read] read model: %,d items, %,d carts, %,d lines", items, carts, lines);
    if (items != settings.items() || carts != settings.carts() || lines != settings.items()) {
      throw new IllegalStateException("the read model does not hold what was seeded: " + settings.items() + " items, "
          + settings.carts() + " carts, " + settings.items() + " lines expected");
    }
  }

  private static long count(DatabaseSettings db, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The top 10 items' SQL, one request at a time: the textbook aggregate against the totals' index. */
  private List<String[]> popularSql(DatabaseSettings db) throws SQLException {
    String textbook = """
        SELECT item_id, sum(quantity_in_carts)::bigint AS in_carts, sum(quantity_checked_out)::bigint AS checked_out
          FROM read_model.item_popularity_by_slice GROUP BY item_id
         ORDER BY checked_out DESC, in_carts DESC, item_id LIMIT 10
        """;
    String tuned = """
        SELECT item_id, quantity_in_carts, quantity_checked_out FROM read_model.item_popularity_total
         ORDER BY quantity_checked_out DESC, quantity_in_carts DESC, item_id LIMIT 10
        """;
    progress("[read] top-10 items SQL: per-request aggregate against the totals' index ...");
    double[] slow = timeSql(db, textbook, 20);
    double[] fast = timeSql(db, tuned, 200);
    return List.of(
        new String[] {"read", "top-10 SQL, sum per request (textbook), ms", "20",
            String.format("p50 %.2f  max %.2f", slow[0], slow[1]), ""},
        new String[] {"read", "top-10 SQL, totals index, ms", "200",
            String.format("p50 %.3f  max %.2f", fast[0], fast[1]), String.format("%.0fx", slow[0] / fast[0])});
  }

  /** p50 and max in ms of the query run n times on one connection, after five unmeasured runs. */
  private static double[] timeSql(DatabaseSettings db, String sql, int n) throws SQLException {
    double[] ms = new double[n];
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = -5; i < n; i++) {
        long start = System.nanoTime();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rs.getString(1);
          }
        }
        if (i >= 0) {
          ms[i] = (System.nanoTime() - start) / 1e6;
        }
      }
    }
    Arrays.sort(ms);
    return new double[] {ms[n / 2], ms[n - 1]};
  }

  private static HttpRequest get(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
  }

  /** Samples of one load run: latencies in microseconds and the non-200 answers. */
  private record Samples(long[] micros, int count, long failures) {}

  /**
   * {@code connections} virtual threads, each with its own connection, send requests back to back
   * (closed loop) for warmup, then for duration; only the latter is reported.
   */
  private String[] load(String route, Supplier<HttpRequest> requests) throws Exception {
    progress("[read] %s: %d connections, %d s warm-up, %d s measured ...", route, settings.connections(),
        settings.warmup().toSeconds(), settings.duration().toSeconds());
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    try (http) {
      run(http, requests, settings.warmup());
      long start = System.nanoTime();
      List<Samples> all = run(http, requests, settings.duration());
      double seconds = seconds(start);
      int n = all.stream().mapToInt(Samples::count).sum();
      long failures = all.stream().mapToLong(Samples::failures).sum();
      if (n == 0 || failures > 0) {
        throw new IllegalStateException(route + ": " + failures + " of " + n + " requests did not answer 200");
      }
      long[] micros = new long[n];
      int at = 0;
      for (Samples s : all) {
        System.arraycopy(s.micros(), 0, micros, at, s.count());
        at += s.count();
      }
      Arrays.sort(micros);
      return new String[] {"read", route + ", " + settings.connections() + " conn., ms", String.valueOf(n),
          String.format("p50 %.1f  p99 %.1f  max %.0f", pct(micros, 0.50), pct(micros, 0.99), micros[n - 1] / 1e3),
          String.format("%.0f", n / seconds)};
    }
  }

  private List<Samples> run(HttpClient http, Supplier<HttpRequest> requests, Duration duration) throws Exception {
    long deadline = System.nanoTime() + duration.toNanos();
    List<Future<Samples>> workers = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < settings.connections(); i++) {
        workers.add(threads.submit(() -> {
          long[] micros = new long[4096];
          int count = 0;
          long failures = 0;
          while (System.nanoTime() < deadline) {
            HttpRequest request = requests.get();
            long sent = System.nanoTime();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            long took = (System.nanoTime() - sent) / 1_000;
            if (response.statusCode() != 200) {
              failures++;
            }
            if (count == micros.length) {
              micros = Arrays.copyOf(micros, count * 2);
            }
            micros[count++] = took;
          }
          return new Samples(micros, count, failures);
        }));
      }
      List<Samples> samples = new ArrayList<>();
      for (Future<Samples> w : workers) {
        samples.add(w.get(duration.toSeconds() + 60, TimeUnit.SECONDS));
      }
      return samples;
    }
  }

  private static double pct(long[] sortedMicros, double p) {
    return sortedMicros[Math.min(sortedMicros.length - 1, (int) Math.floor(p * sortedMicros.length))] / 1e3;
  }
}
