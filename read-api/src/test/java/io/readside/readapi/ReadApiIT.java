package io.readside.readapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.Json;
import io.readside.platform.PekkoConfig;
import io.readside.platform.Pools;
import io.readside.platform.ReadsideConfig;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The read API's HTTP contract on its own: parameters and their bounds, keyset paging, and the
 * shape of every refusal ({"error","message"}), over a real PostgreSQL with a seeded read model.
 */
class ReadApiIT {
  private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static DatabaseSettings db;
  private static ActorSystem<Void> system;
  private static HikariDataSource pool;
  private static String base;

  record Reply(int status, JsonNode body) {}

  @BeforeAll
  static void start() {
    db = TestDatabase.freshDatabase(ReadApiIT.class);
    Migrations.migrate(db);
    seed();
    var config = PekkoConfig.withDatabase(
        ReadsideConfig.load(ConfigFactory.parseMap(Map.of("readside.read-api.port", 0, "pekko.loglevel", "WARNING"))), db).resolve();
    system = ActorSystem.create(Behaviors.empty(), "read-api-it", config);
    ReadApi.Settings settings = ReadApi.Settings.fromConfig(config);
    pool = Pools.create("read-api", db, 4);
    base = "http://127.0.0.1:" + ReadApi.start(system, settings, pool, db).localAddress().getPort();
  }

  @AfterAll
  static void stop() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
    pool.close();
  }

  /** Seven carts c1..c7 (c2, c5 checked out), four items, sales on three days. */
  private static void seed() {
    for (int i = 1; i <= 7; i++) {
      boolean checkedOut = i == 2 || i == 5;
      TestSql.update(db,
          "INSERT INTO read_model.cart_summary VALUES (?, ?, ?, 1, ?, ?, ?, now(), now(), " + (checkedOut ? "now()" : "NULL") + ")",
          "c" + i, i % 4, checkedOut ? "checked_out" : "open", i, 100L * i, (long) i);
      TestSql.update(db, "INSERT INTO read_model.cart_line VALUES (?, 'tea', ?, 100)", "c" + i, i);
    }
    TestSql.update(db, "INSERT INTO read_model.item_popularity_by_slice VALUES ('tea', 0, 3, 5), ('jam', 1, 1, 9), ('oat', 2, 4, 0), ('fig', 3, 0, 5)");
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    TestSql.update(db, "INSERT INTO read_model.daily_sales_by_slice VALUES (?, 0, 1, 2, 200), (?, 1, 2, 3, 300), (?, 2, 1, 1, 50)",
        today.minusDays(40), today.minusDays(2), today);
  }

  // --- paging ---

  @Test
  void cartsArePagedByKeysetUntilNextAfterIsNull() {
    List<String> seen = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    String after = null;
    do {
      Reply page = get("/carts?limit=3" + (after == null ? "" : "&after=" + after));
      assertEquals(200, page.status(), page.body().toString());
      page.body().get("carts").forEach(c -> seen.add(c.get("cartId").asText()));
      pageSizes.add(page.body().get("carts").size());
      after = page.body().get("nextAfter").isNull() ? null : page.body().get("nextAfter").asText();
    } while (after != null);
    assertEquals(List.of("c1", "c2", "c3", "c4", "c5", "c6", "c7"), seen);
    assertEquals(List.of(3, 3, 1), pageSizes);
  }

  @Test
  void aFullLastPageHasNoNextAfter() {
    Reply page = get("/carts?limit=7");
    assertEquals(7, page.body().get("carts").size());
    assertTrue(page.body().get("nextAfter").isNull(), page.body().toString());
    Reply first = get("/carts?limit=6");
    assertEquals("c6", first.body().get("nextAfter").asText());
  }

  @Test
  void statusFiltersAndPagesWithinTheStatus() {
    Reply first = get("/carts?status=checked_out&limit=1");
    assertEquals("c2", first.body().get("carts").get(0).get("cartId").asText());
    assertEquals("checked_out", first.body().get("carts").get(0).get("status").asText());
    Reply second = get("/carts?status=checked_out&limit=1&after=" + first.body().get("nextAfter").asText());
    assertEquals("c5", second.body().get("carts").get(0).get("cartId").asText());
    assertTrue(second.body().get("nextAfter").isNull(), second.body().toString());
    assertEquals(5, get("/carts?status=open").body().get("carts").size());
    // after is a cursor, not a row that must exist.
    assertEquals("c4", get("/carts?after=c3a&limit=1").body().get("carts").get(0).get("cartId").asText());
  }

  @Test
  void theDefaultPageIsFiftyAndTheLimitsAreInclusive() {
    assertEquals(7, get("/carts").body().get("carts").size());
    assertEquals(200, get("/carts?limit=1").status());
    assertEquals(200, get("/carts?limit=500").status());
    assertEquals(200, get("/items/popular?limit=100").status());
    assertEquals(200, get("/items/popular?limit=1").status());
  }

  // --- other parameters ---

  @Test
  void popularItemsAreOrderedByCheckedOutThenInCartsAndLimited() {
    Reply top = get("/items/popular?limit=3");
    List<String> items = new ArrayList<>();
    top.body().get("items").forEach(i -> items.add(i.get("itemId").asText()));
    assertEquals(List.of("jam", "tea", "fig"), items);
    assertEquals(4, get("/items/popular").body().get("items").size()); // default 10
  }

  @Test
  void dailySalesDefaultsToTheLastThirtyDaysAndTakesFromAndTo() {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Reply recent = get("/sales/daily");
    assertEquals(today.minusDays(30).toString(), recent.body().get("from").asText());
    assertEquals(today.toString(), recent.body().get("to").asText());
    assertEquals(2, recent.body().get("days").size());
    Reply all = get("/sales/daily?from=" + today.minusDays(365) + "&to=" + today);
    assertEquals(200, all.status(), all.body().toString());
    assertEquals(3, all.body().get("days").size());
    JsonNode first = all.body().get("days").get(0);
    assertEquals(today.minusDays(40).toString(), first.get("day").asText());
    assertEquals(200, first.get("revenueCents").asLong());
    Reply oneDay = get("/sales/daily?from=" + today.minusDays(2) + "&to=" + today.minusDays(2));
    assertEquals(1, oneDay.body().get("days").size());
  }

  @Test
  void aCartIsReadAndWaitsForMinSeqNr() throws Exception {
    Reply cart = get("/carts/c3?minSeqNr=3&waitMs=0");
    assertEquals(200, cart.status(), cart.body().toString());
    assertEquals(300, cart.body().get("totalCents").asLong());
    assertEquals(3, cart.body().get("seqNr").asLong());

    // Not applied in time: 503 with the applied seqNr, after waiting about waitMs.
    long start = System.nanoTime();
    Reply late = get("/carts/c3?minSeqNr=4&waitMs=300");
    long waitedMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(503, late.status());
    assertEquals("not_yet_projected", late.body().get("error").asText());
    assertEquals(3, late.body().get("appliedSeqNr").asLong());
    assertEquals(4, late.body().get("minSeqNr").asLong());
    assertTrue(waitedMs >= 300, "answered after " + waitedMs + " ms");

    // Applied while it waits: the waiting read answers 200 with the new row.
    CompletableFuture<HttpResponse<String>> waiting = client.sendAsync(
        request("/carts/c4?minSeqNr=5&waitMs=10000"), HttpResponse.BodyHandlers.ofString());
    TestSql.update(db, "UPDATE read_model.cart_summary SET last_seq_nr = 5, total_cents = 555 WHERE cart_id = 'c4'");
    HttpResponse<String> reached = waiting.get();
    assertEquals(200, reached.statusCode(), reached.body());
    assertEquals(555, Json.MAPPER.readTree(reached.body()).get("totalCents").asLong());
  }

  // --- refusals ---

  @Test
  void everyBadParameterIs400NamingTheParameter() {
    Map<String, String> badToParameter = new java.util.LinkedHashMap<>();
    badToParameter.put("/carts?limit=0", "limit");
    badToParameter.put("/carts?limit=501", "limit");
    badToParameter.put("/carts?limit=%2B5", "limit");
    badToParameter.put("/carts?limit=abc", "limit");
    badToParameter.put("/carts?limit=99999999999999999999", "limit");
    badToParameter.put("/carts?status=closed", "status");
    badToParameter.put("/carts?after=" + enc("a b"), "after");
    badToParameter.put("/carts?after=" + "x".repeat(65), "after");
    badToParameter.put("/items/popular?limit=101", "limit");
    badToParameter.put("/items/popular?limit=0", "limit");
    badToParameter.put("/sales/daily?from=2026-02-30", "from");
    badToParameter.put("/sales/daily?to=26-01-01", "to");
    badToParameter.put("/sales/daily?from=1969-12-31&to=1970-01-02", "from");
    badToParameter.put("/sales/daily?from=2026-03-02&to=2026-03-01", "from");
    badToParameter.put("/sales/daily?from=2025-01-01&to=2026-01-02", "366 days");
    badToParameter.put("/carts/c1?minSeqNr=-1", "minSeqNr");
    badToParameter.put("/carts/c1?minSeqNr=1.5", "minSeqNr");
    badToParameter.put("/carts/c1?waitMs=10001", "waitMs");
    badToParameter.put("/carts/c1?waitMs=-1", "waitMs");
    badToParameter.put("/carts/" + enc("c 1"), "cartId");
    badToParameter.forEach((path, parameter) -> {
      Reply reply = get(path);
      assertEquals(400, reply.status(), path + " -> " + reply.body());
      assertErrorShape(path, reply);
      assertTrue(reply.body().get("message").asText().contains(parameter), path + " -> " + reply.body());
    });
    // The bounds themselves are accepted.
    assertEquals(200, get("/carts/c1?minSeqNr=0&waitMs=0").status());
    assertEquals(200, get("/carts/c1?minSeqNr=1&waitMs=10000").status());
  }

  @Test
  void notFoundAndWrongMethodAreJsonErrors() {
    Reply unknown = get("/carts/nobody");
    assertEquals(404, unknown.status());
    assertEquals("cart_not_found", unknown.body().get("error").asText());
    assertErrorShape("/carts/nobody", unknown);
    Reply noRoute = get("/nothing/here");
    assertEquals(404, noRoute.status());
    assertErrorShape("/nothing/here", noRoute);
    Reply post = send(HttpRequest.newBuilder(URI.create(base + "/carts")).POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertEquals(405, post.status(), post.body().toString());
    assertErrorShape("POST /carts", post);
  }

  private static void assertErrorShape(String what, Reply reply) {
    JsonNode body = reply.body();
    assertTrue(body.isObject(), what + " -> " + body);
    List<String> fields = new ArrayList<>();
    Iterator<String> names = body.fieldNames();
    names.forEachRemaining(fields::add);
    assertEquals(List.of("error", "message"), fields, what + " -> " + body);
    assertTrue(body.get("error").isTextual() && body.get("error").asText().matches("[a-zA-Z_]+"), what + " -> " + body);
    assertTrue(body.get("message").isTextual() && !body.get("message").asText().isBlank(), what + " -> " + body);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build();
  }

  private static Reply get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  private static Reply send(HttpRequest.Builder builder) {
    try {
      HttpResponse<String> response = client.send(builder.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      String body = response.body();
      return new Reply(response.statusCode(), body.isBlank() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(body));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
