package io.readside.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.Json;
import io.readside.platform.TestSql;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped for 20 s under write and read load, with the write side and the read API as
 * their own JVMs from the built jar. During the outage every request is answered 503 JSON within
 * 2 s (a write's outcome is "unknown"); writes succeed again within 5 s of the database's return,
 * without a restart; clients then retry what they were not told with the same Idempotency-Key, and
 * the journal holds every acknowledged command exactly once and nothing else. A worker (its own JVM
 * too) projects through the outage: its instances fail while the database is away and resume by
 * themselves, and afterwards every read-model table holds each acknowledged command exactly once.
 */
class DatabaseOutageIT {
  private static final Duration OUTAGE = Duration.ofSeconds(20);
  private static final long ANSWER_WITHIN_MS = 2_000;
  private static final long RECOVER_WITHIN_MS = 5_000;
  private static final int WRITERS = 4;
  private static final int ITEMS_PER_CART = 25;
  private static final Pattern KEY = Pattern.compile("key-\\d+-\\d{6}");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** One request and its answer; status -1 when none came (timeout, connection refused). */
  record Attempt(String kind, long startNanos, long endNanos, int status, JsonNode body) {
    long millis() {
      return (endNanos - startNanos) / 1_000_000;
    }

    boolean definite() {
      return status == 200 || (status >= 400 && status < 500);
    }
  }

  /** One add-item command under its own Idempotency-Key, with every answer it got. */
  record Command(String cartId, String itemId, String key, List<Attempt> attempts) {
    Attempt last() {
      return attempts.get(attempts.size() - 1);
    }
  }

  @Test
  void anOutageIsAnswered503FastWritesRecoverWithinSecondsAndRetriedKeysArePersistedOnce() throws Exception {
    Path dataDir = Path.of("target", "outage-postgres").toAbsolutePath();
    try (StoppablePostgres postgres = StoppablePostgres.startFresh(dataDir)) {
      DatabaseSettings db = postgres.settings();
      int writePort = JarProcess.freePort();
      int readPort = JarProcess.freePort();
      Map<String, String> env = Map.of("DATABASE_URL", db.url(), "DATABASE_USER", db.user(), "READSIDE_SLICES", "4");
      try (JarProcess writeSide = JarProcess.start("write-side", with(env,
              "WRITE_SIDE_PORT", writePort, "CLUSTER_PORT", JarProcess.freePort()));
          JarProcess readApi = JarProcess.start("read-api", with(env, "READ_API_PORT", readPort));
          JarProcess worker = JarProcess.start("worker", with(env,
              "CLUSTER_PORT", JarProcess.freePort(), "ADMIN_PORT", JarProcess.freePort(), "ADMIN_TOKEN", TestNodes.ADMIN_TOKEN))) {
        writeSide.awaitLine("write side listening on", Duration.ofSeconds(90));
        readApi.awaitLine("read API listening on", Duration.ofSeconds(90));
        worker.awaitLine("admin listening on", Duration.ofSeconds(90));
        String write = "http://127.0.0.1:" + writePort;
        String read = "http://127.0.0.1:" + readPort;
        awaitFirstWrite(write);

        AtomicBoolean loadOn = new AtomicBoolean(true);
        List<List<Command>> commands = new ArrayList<>();
        List<Attempt> reads = new CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(WRITERS + 1);
        List<Future<?>> load = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          List<Command> own = new CopyOnWriteArrayList<>();
          commands.add(own);
          int writer = w;
          load.add(clients.submit(() -> writeLoad(write, writer, loadOn, own)));
        }
        load.add(clients.submit(() -> readLoad(read, loadOn, reads)));

        Thread.sleep(4_000);
        postgres.stop();
        long down = System.nanoTime();
        Thread.sleep(OUTAGE.toMillis());
        long upBegin = System.nanoTime();
        postgres.start();
        long up = System.nanoTime();
        long writesBack = awaitAttempt(commands, up, Duration.ofSeconds(30));
        long readsBack = awaitRead(reads, up, Duration.ofSeconds(30));
        Thread.sleep(3_000);
        loadOn.set(false);
        for (Future<?> f : load) {
          f.get();
        }
        clients.shutdown();

        List<Attempt> writes = commands.stream().flatMap(List::stream).flatMap(c -> c.attempts().stream()).toList();
        List<Attempt> writesInOutage = during(writes, down, upBegin);
        List<Attempt> readsInOutage = during(reads, down, upBegin);

        // Commands a client was not told the outcome of: which of them were persisted anyway?
        List<Command> unresolved = commands.stream().flatMap(List::stream).filter(c -> !c.last().definite()).toList();
        Map<String, Integer> keysBeforeRetry = keysInJournal(db);
        long persistedAnyway = unresolved.stream().filter(c -> keysBeforeRetry.containsKey(c.key())).count();
        for (Command c : unresolved) {
          retryUntilDefinite(write, c, Duration.ofSeconds(30));
        }

        List<String> errorLines = writeSide.linesBetween(down, up + 10_000_000_000L, " ERROR ");
        List<String> warnLines = writeSide.linesBetween(down, up + 10_000_000_000L, " WARN ");
        System.out.printf(
            "%nDatabaseOutageIT: PostgreSQL down %.1f s%n"
                + "  writes during the outage: %d, statuses %s, latency p50 %d ms, p99 %d ms, max %d ms%n"
                + "  reads during the outage:  %d, statuses %s, latency p50 %d ms, p99 %d ms, max %d ms%n"
                + "  writes succeed again %.2f s after PostgreSQL accepts connections; reads %.2f s%n"
                + "  commands answered without a definite outcome: %d, of which %d had been persisted; all retried with their key%n"
                + "  commands acknowledged in all: %d; write-side log lines from the outage to 10 s after: %d ERROR, %d WARN%n",
            (upBegin - down) / 1e9,
            writesInOutage.size(), statuses(writesInOutage), percentile(writesInOutage, 50), percentile(writesInOutage, 99), percentile(writesInOutage, 100),
            readsInOutage.size(), statuses(readsInOutage), percentile(readsInOutage, 50), percentile(readsInOutage, 99), percentile(readsInOutage, 100),
            (writesBack - up) / 1e9, (readsBack - up) / 1e9,
            unresolved.size(), persistedAnyway,
            commands.stream().mapToLong(List::size).sum(), errorLines.size(), warnLines.size());
        java.util.stream.Stream.concat(errorLines.stream(), warnLines.stream()).limit(10).forEach(l -> System.out.println("    " + l));

        assertTrue(writesInOutage.size() >= 10 && readsInOutage.size() >= 10, "too little load during the outage");
        for (Attempt a : writesInOutage) {
          assertEquals(503, a.status(), "a write during the outage: " + a);
          assertTrue(a.body() != null && a.body().has("error"), "a JSON error: " + a);
          assertEquals("unknown", a.body().path("outcome").asText(), "a write that timed out has an unknown outcome: " + a);
        }
        for (Attempt a : readsInOutage) {
          assertEquals(503, a.status(), "a read during the outage: " + a);
          assertEquals("database_unavailable", a.body() == null ? null : a.body().path("error").asText(), a.toString());
        }
        assertTrue(percentile(writesInOutage, 100) <= ANSWER_WITHIN_MS, "slowest write during the outage: " + percentile(writesInOutage, 100) + " ms");
        assertTrue(percentile(readsInOutage, 100) <= ANSWER_WITHIN_MS, "slowest read during the outage: " + percentile(readsInOutage, 100) + " ms");
        assertTrue(writesBack - up <= RECOVER_WITHIN_MS * 1_000_000, "writes came back after " + (writesBack - up) / 1e9 + " s");
        // The outage is logged once when it starts and once when it ends, not per request or per cart.
        assertEquals(List.of(), errorLines);

        // Every command ends acknowledged (each adds a new item, so a retry has nothing to refuse) ...
        for (Command c : commands.stream().flatMap(List::stream).toList()) {
          assertEquals(200, c.last().status(), c.key() + " on " + c.cartId() + ": " + c.attempts());
        }
        // ... and the journal holds each exactly once, and nothing else.
        Map<String, Integer> keys = keysInJournal(db);
        for (Command c : commands.stream().flatMap(List::stream).toList()) {
          assertEquals(1, keys.getOrDefault(c.key(), 0), "events carrying " + c.key());
        }
        Map<String, Long> acknowledgedPerCart =
            commands.stream().flatMap(List::stream).collect(Collectors.groupingBy(Command::cartId, Collectors.counting()));
        Map<String, Long> eventsPerCart = new HashMap<>();
        for (Map<String, Object> row : TestSql.rows(db,
            "SELECT persistence_id, count(*) AS n FROM event_journal WHERE persistence_id LIKE 'ShoppingCart|outage-%' GROUP BY 1")) {
          eventsPerCart.put(((String) row.get("persistence_id")).substring("ShoppingCart|".length()), ((Number) row.get("n")).longValue());
        }
        assertEquals(acknowledgedPerCart, eventsPerCart);

        // The worker went through the outage in its own JVM: it drains by itself, each command once.
        List<Command> acknowledged = new ArrayList<>(commands.stream().flatMap(List::stream).toList());
        acknowledged.add(new Command("warm-up", "item-0", "warm-up-key", List.of()));
        long drainStart = System.nanoTime();
        ReadModelAssertions.eventually(Duration.ofSeconds(90), () -> assertReadModelHoldsEachCommandOnce(db, acknowledged));
        System.out.printf("  worker (own JVM, through the outage): read model equal to the %d acknowledged commands %.1f s after"
            + " the last retry; %d ERROR lines in its log%n",
            acknowledged.size(), (System.nanoTime() - drainStart) / 1e9, worker.linesBetween(down, System.nanoTime(), " ERROR ").size());
        assertTrue(worker.isAlive(), "the worker survived the outage");
      }
    }
  }

  /**
   * The oracle of every read model for commands that each add a new item (quantity 1, 100 cents)
   * to an open cart: each cart's lines, its summary, and each item's quantity in carts, counted once.
   */
  private static void assertReadModelHoldsEachCommandOnce(DatabaseSettings db, List<Command> acknowledged) {
    Map<String, java.util.TreeSet<String>> linesPerCart = new java.util.TreeMap<>();
    Map<String, Long> inCartsPerItem = new java.util.TreeMap<>();
    for (Command c : acknowledged) {
      linesPerCart.computeIfAbsent(c.cartId(), k -> new java.util.TreeSet<>()).add(c.itemId());
      inCartsPerItem.merge(c.itemId(), 1L, Long::sum);
    }
    Map<String, java.util.TreeSet<String>> lines = new java.util.TreeMap<>();
    for (Map<String, Object> row : TestSql.rows(db,
        "SELECT cart_id, item_id FROM read_model.cart_line WHERE quantity = 1 AND unit_price_cents = 100")) {
      lines.computeIfAbsent((String) row.get("cart_id"), k -> new java.util.TreeSet<>()).add((String) row.get("item_id"));
    }
    assertEquals(linesPerCart, lines, "cart lines");
    Map<String, String> summaries = new java.util.TreeMap<>();
    for (Map<String, Object> row : TestSql.rows(db,
        "SELECT cart_id, total_quantity, last_seq_nr, status FROM read_model.cart_summary")) {
      summaries.put((String) row.get("cart_id"), row.get("total_quantity") + "/" + row.get("last_seq_nr") + "/" + row.get("status"));
    }
    Map<String, String> expectedSummaries = new java.util.TreeMap<>();
    linesPerCart.forEach((cart, items) -> expectedSummaries.put(cart, items.size() + "/" + items.size() + "/open"));
    assertEquals(expectedSummaries, summaries, "cart summaries (total quantity/last seqNr/status)");
    Map<String, Long> inCarts = new java.util.TreeMap<>();
    for (Map<String, Object> row : TestSql.rows(db,
        "SELECT item_id, sum(quantity_in_carts) AS n FROM read_model.item_popularity_by_slice GROUP BY item_id")) {
      inCarts.put((String) row.get("item_id"), ((Number) row.get("n")).longValue());
    }
    assertEquals(inCartsPerItem, inCarts, "item popularity (quantity in carts, per item)");
    assertEquals(0L, TestSql.longValue(db, "SELECT count(*) FROM read_model.daily_sales_by_slice"), "no checkouts, no daily sales");
  }

  private void writeLoad(String base, int writer, AtomicBoolean loadOn, List<Command> commands) {
    for (int n = 0; loadOn.get(); n++) {
      Command c = new Command(
          "outage-" + writer + "-" + n / ITEMS_PER_CART, "item-" + n, String.format("key-%d-%06d", writer, n), new CopyOnWriteArrayList<>());
      commands.add(c);
      c.attempts().add(addItem(base, c));
      pause(20);
    }
  }

  private void readLoad(String base, AtomicBoolean loadOn, List<Attempt> reads) {
    for (int n = 0; loadOn.get(); n++) {
      String path = n % 2 == 0 ? "/carts/outage-0-0?waitMs=0" : "/carts?limit=5";
      reads.add(send("read", HttpRequest.newBuilder(URI.create(base + path)).GET()));
      pause(50);
    }
  }

  private void retryUntilDefinite(String base, Command c, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while ((c.attempts().isEmpty() || !c.last().definite()) && System.nanoTime() < deadline) {
      c.attempts().add(addItem(base, c));
      if (!c.last().definite()) {
        pause(200);
      }
    }
  }

  private Attempt addItem(String base, Command c) {
    String body = "{\"itemId\":\"" + c.itemId() + "\",\"quantity\":1,\"unitPriceCents\":100}";
    return send("write", HttpRequest.newBuilder(URI.create(base + "/carts/" + c.cartId() + "/items"))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", c.key())
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private Attempt send(String kind, HttpRequest.Builder request) {
    long start = System.nanoTime();
    try {
      HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body;
      try {
        body = Json.MAPPER.readTree(response.body());
      } catch (Exception notJson) {
        body = null;
      }
      return new Attempt(kind, start, System.nanoTime(), response.statusCode(), body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception noAnswer) {
      return new Attempt(kind, start, System.nanoTime(), -1, null);
    }
  }

  private void awaitFirstWrite(String base) {
    Command warmUp = new Command("warm-up", "item-0", "warm-up-key", new CopyOnWriteArrayList<>());
    retryUntilDefinite(base, warmUp, Duration.ofSeconds(60));
    assertEquals(200, warmUp.last().status(), warmUp.attempts().toString());
  }

  /** When the first write started after {@code since} was answered 200. */
  private static long awaitAttempt(List<List<Command>> commands, long since, Duration timeout) throws InterruptedException {
    return awaitSuccess(() -> commands.stream().flatMap(List::stream).flatMap(c -> c.attempts().stream()).toList(), since, timeout);
  }

  private static long awaitRead(List<Attempt> reads, long since, Duration timeout) throws InterruptedException {
    return awaitSuccess(() -> List.copyOf(reads), since, timeout);
  }

  private static long awaitSuccess(java.util.function.Supplier<List<Attempt>> attempts, long since, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      var first = attempts.get().stream()
          .filter(a -> a.startNanos() >= since && a.status() != -1 && a.status() < 500)
          .mapToLong(Attempt::endNanos).min();
      if (first.isPresent()) {
        return first.getAsLong();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no success within " + timeout + " of PostgreSQL's return");
  }

  /** Requests sent while the database was down that had their full 2 s before it came back. */
  private static List<Attempt> during(List<Attempt> attempts, long down, long upBegin) {
    return attempts.stream()
        .filter(a -> a.startNanos() >= down && a.startNanos() <= upBegin - ANSWER_WITHIN_MS * 1_000_000)
        .toList();
  }

  /** How many journal events carry each Idempotency-Key (keys are fixed-width, so none contains another). */
  private static Map<String, Integer> keysInJournal(DatabaseSettings db) {
    Map<String, Integer> keys = new HashMap<>();
    for (Map<String, Object> row : TestSql.rows(db,
        "SELECT event_payload FROM event_journal WHERE persistence_id LIKE 'ShoppingCart|outage-%'")) {
      Matcher m = KEY.matcher(new String((byte[]) row.get("event_payload"), StandardCharsets.ISO_8859_1));
      while (m.find()) {
        keys.merge(m.group(), 1, Integer::sum);
      }
    }
    return keys;
  }

  private static long percentile(List<Attempt> attempts, int p) {
    if (attempts.isEmpty()) {
      return 0;
    }
    List<Long> sorted = attempts.stream().map(Attempt::millis).sorted().toList();
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static Map<Integer, Long> statuses(List<Attempt> attempts) {
    return attempts.stream().collect(Collectors.groupingBy(Attempt::status, java.util.TreeMap::new, Collectors.counting()));
  }

  private static Map<String, String> with(Map<String, String> env, Object... pairs) {
    Map<String, String> all = new HashMap<>(env);
    for (int i = 0; i < pairs.length; i += 2) {
      all.put((String) pairs[i], String.valueOf(pairs[i + 1]));
    }
    return all;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
