package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.Json;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Scenario 6, hostile input: over every route of the write side, the read API and the admin
 * endpoint, malformed and hostile requests (generated, and raw bytes no client library sends) get
 * a 4xx JSON error {"error","message"} at once: never a 5xx, never a hang, and nothing changes in
 * the journal, the read model or the projections' offsets.
 */
class HostileInputIT {
  private static final int TRIES = 200;
  private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final String VALID_ITEM = "{\"itemId\":\"apple\",\"quantity\":2,\"unitPriceCents\":150}";

  private static DatabaseSettings db;
  private static ReadsideNode node;
  private static RawHttp write;
  private static RawHttp read;
  private static RawHttp admin;
  private static Map<String, Object> stateBefore;

  @BeforeContainer
  static void startWithSomeState() {
    db = TestDatabase.freshDatabase(HostileInputIT.class);
    Migrations.migrate(db);
    node = TestNodes.start(db, ReadsideNode.allRoles());
    write = new RawHttp(node.writeSideAddress().orElseThrow());
    read = new RawHttp(node.readApiAddress().orElseThrow());
    admin = new RawHttp(node.adminAddress().orElseThrow());
    // A cart with a line and a checkout, projected, so every table has rows to keep.
    assertEquals(200, write.send("POST", "/carts/seed-1/items", VALID_ITEM).status());
    assertEquals(200, write.send("POST", "/carts/seed-1/checkout", (String) null).status());
    RawHttp.Answer projected = read.send("GET", "/carts/seed-1?minSeqNr=2&waitMs=10000", (String) null);
    assertEquals(200, projected.status(), projected.body());
    settledState();
  }

  @AfterContainer
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @BeforeProperty
  void rememberState() {
    stateBefore = state();
  }

  @AfterProperty
  void nothingChanged() {
    assertEquals(stateBefore, state(), "hostile requests must not change the journal, read model, offsets or audit");
  }

  // ---- write side (:8081) ----

  @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
  void malformedOrWrongTypedCartBodiesAre400(@ForAll("hostileItemBodies") String body, @ForAll boolean adjust) {
    RawHttp.Answer answer = adjust
        ? write.send("PUT", "/carts/hostile-cart/items/apple", body)
        : write.send("POST", "/carts/hostile-cart/items", body);
    assertJsonError(answer, body);
    assertTrue(answer.status() == 400 || answer.status() == 413, answer + " for " + body);
  }

  @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
  void hostileCartAndItemIdsAreRefusedOnEveryWriteRoute(@ForAll("hostileIds") String id, @ForAll("writeRoutes") String route) {
    String cart = route.contains("{item}") ? "seed-1" : RawHttp.encode(id);
    String target = route.replace("{cart}", cart).replace("{item}", RawHttp.encode(id));
    String method = route.substring(0, route.indexOf(' '));
    String path = target.substring(target.indexOf(' ') + 1);
    String body = switch (method) {
      case "POST" -> path.endsWith("/items") ? VALID_ITEM : null;
      case "PUT" -> "{\"quantity\":3}";
      default -> null;
    };
    RawHttp.Answer answer = write.send(method, path, body);
    assertJsonError(answer, method + " " + path);
  }

  @Property(tries = 40, shrinking = ShrinkingMode.OFF)
  void unknownAndUnroutedMethodsAreJsonErrors(@ForAll("methods") String method, @ForAll("anyServer") RawHttp server) {
    assertJsonError(server.send(method, "/carts/seed-1", (String) null), method);
  }

  // ---- read API (:8082) ----

  @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
  void hostileReadParametersAre4xx(@ForAll("hostileReads") String target) {
    RawHttp.Answer answer = read.send("GET", target, (String) null);
    assertJsonError(answer, target);
  }

  // ---- admin (:8083) ----

  @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
  void adminRoutesWithoutTheTokenAre401(@ForAll("adminRoutes") String route, @ForAll("wrongAuthorizations") String authorization) {
    String method = route.substring(0, route.indexOf(' '));
    String path = route.substring(route.indexOf(' ') + 1);
    String body = path.endsWith("/rewind") ? "{\"toOffset\":0,\"dryRun\":true}" : null;
    RawHttp.Answer answer = authorization.isEmpty()
        ? admin.send(method, path, body)
        : admin.send(method, path, body, "Authorization: " + authorization);
    assertJsonError(answer, route + " with " + authorization);
  }

  @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
  void hostileAdminParametersAndBodiesAre4xx(@ForAll("hostileAdminRequests") String[] request) {
    RawHttp.Answer answer = admin.send(request[0], request[1], request[2], "Authorization: Bearer " + TestNodes.ADMIN_TOKEN);
    assertJsonError(answer, String.join(" ", Arrays.asList(request)));
  }

  // ---- raw bytes, on every server ----

  @Property(tries = 60, shrinking = ShrinkingMode.OFF)
  void nonUtf8HeaderValuesAre400AtOnce(@ForAll("invalidUtf8") byte[] value, @ForAll("headerNames") String name, @ForAll("anyServer") RawHttp server) {
    byte[] head = ("GET /health/alive HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + name + ": ").getBytes(StandardCharsets.US_ASCII);
    byte[] request = concat(head, value, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    RawHttp.Answer answer = server.sendRaw(request);
    assertJsonError(answer, RawHttp.describe(request));
    assertEquals(400, answer.status(), answer.toString());
  }

  @Example
  void whatTheHttpLayerRefusesIsJsonToo() {
    for (RawHttp server : List.of(write, read, admin)) {
      assertStatus(414, server.send("GET", "/carts/" + "a".repeat(5_000), (String) null));
      assertStatus(400, server.send("GET", "/carts/%zz", (String) null));
      assertStatus(400, server.send("GET", "/carts/%", (String) null));
      assertStatus(431, server.send("GET", "/health/alive", (String) null, "X-Big: " + "b".repeat(9_000)));
      assertStatus(400, server.send("GET", "/health/alive", (String) null, "X-Nul: a\u0000b"));
      assertStatus(400, server.sendRaw("GET /health/alive HTTP/3.7\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
      assertStatus(400, server.sendRaw(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00, '\r', '\n', '\r', '\n'}));
      assertStatus(400, server.sendRaw("FROB /carts/a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
      String[] many = new String[70];
      Arrays.setAll(many, i -> "X-H" + i + ": v");
      assertJsonError(server.send("GET", "/health/alive", (String) null, many), "70 headers");
    }
  }

  @Example
  void bodiesOverTheLimitAre413OnEveryWriteRoute() {
    byte[] mib = new byte[1 << 20];
    Arrays.fill(mib, (byte) ' ');
    for (String route : List.of("POST /carts/hostile-cart/items", "PUT /carts/seed-1/items/apple", "POST /carts/hostile-cart/checkout", "DELETE /carts/seed-1/items/apple")) {
      String[] parts = route.split(" ");
      assertStatus(413, write.send(parts[0], parts[1], mib));
    }
    assertStatus(413, admin.send("POST", "/admin/projections/cart-summary/rewind", mib, "Authorization: Bearer " + TestNodes.ADMIN_TOKEN));
    assertStatus(413, read.send("GET", "/carts/seed-1", mib));
  }

  @Example
  void wellFormedRequestsStillWork() {
    assertEquals(200, write.send("GET", "/carts/seed-1", (String) null).status());
    assertEquals(200, read.send("GET", "/carts?status=checked_out&limit=10&after=a", (String) null).status());
    assertEquals(200, read.send("GET", "/sales/daily?from=1970-01-01&to=1970-12-31", (String) null).status());
    assertEquals(200, read.send("GET", "/sales/daily?from=9999-01-01&to=9999-12-31", (String) null).status());
    assertEquals(200, admin.send("GET", "/admin/audit?limit=5", (String) null, "Authorization: Bearer " + TestNodes.ADMIN_TOKEN).status());
    assertEquals(200, write.send("GET", "/health/alive", (String) null, "X-Umlaut: \u00e4").status());
  }

  // ---- generators ----

  @Provide
  Arbitrary<RawHttp> anyServer() {
    return Arbitraries.of(write, read, admin);
  }

  @Provide
  Arbitrary<String> hostileIds() {
    Arbitrary<String> fixed = Arbitraries.of(
        "", ".", "..", "../..", "../../etc/passwd", "a/b", "a b", "a\u0000b", "\u0000", "%00", "a\\b", "a\tb", "a\r\nb",
        "'; DROP TABLE event_journal; --", "1' OR '1'='1", "\"", "<script>", "\u202Eabc", "\u00e4", "\u65e5\u672c", "\ud83d\ude00",
        "a".repeat(65), "x".repeat(10_000), "\u00e4".repeat(64), "null\u0000");
    Arbitrary<String> controls = Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(1).ofMaxLength(4)
        .flatMap(c -> Arbitraries.strings().alpha().ofMaxLength(5).map(s -> s + c + s));
    Arbitrary<String> anyChars = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(30);
    Arbitrary<String> tooLong = Arbitraries.strings().alpha().numeric().ofMinLength(65).ofMaxLength(10_000);
    return Arbitraries.oneOf(fixed, controls, anyChars, tooLong).filter(s -> !VALID_ID.matcher(s).matches() || s.equals(".") || s.equals(".."));
  }

  @Provide
  Arbitrary<String> writeRoutes() {
    return Arbitraries.of(
        "GET {cart}", "POST {cart}/items", "POST {cart}/checkout", "PUT {cart}/items/{item}", "DELETE {cart}/items/{item}")
        .map(r -> r.replace(" ", " /carts/"));
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.of("PATCH", "OPTIONS", "TRACE", "FROB", "GETT", "get", "M-SEARCH", "PROPFIND");
  }

  @Provide
  Arbitrary<String> hostileItemBodies() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    List<String> notAString = List.of("2", "2.5", "true", "null", "[]", "{}", "[\"apple\"]", "1e3", "NaN");
    List<String> notACount = List.of("\"2\"", "\"150\"", "2.5", "2.0", "1e3", "true", "false", "null", "[]", "{}", "[2]", "\"\"",
        "-1", "2147483648", "-2147483649", "9223372036854775808", "-9223372036854775809", "1e30", "100000001",
        "99999999999999999999999999", "NaN", "0x10", "+2", "012", "-0.0");
    Arbitrary<String> wrongValues = Arbitraries.oneOf(
        Arbitraries.of(notAString).map(v -> "{\"itemId\":" + v + ",\"quantity\":2,\"unitPriceCents\":150}"),
        Arbitraries.of(concat(notACount, List.of("0", "1001"))).map(v -> "{\"itemId\":\"apple\",\"quantity\":" + v + ",\"unitPriceCents\":150}"),
        Arbitraries.of(notACount).map(v -> "{\"itemId\":\"apple\",\"quantity\":2,\"unitPriceCents\":" + v + "}"));
    Arbitrary<String> badItemIds = hostileIds().map(id -> {
      ObjectNode node = f.objectNode().put("itemId", id).put("quantity", 2).put("unitPriceCents", 150);
      return node.toString();
    });
    Arbitrary<String> truncated = Arbitraries.integers().between(0, VALID_ITEM.length() - 1).map(n -> VALID_ITEM.substring(0, n));
    Arbitrary<String> trailing = Arbitraries.of("}", "x", "{}", "]", ",", " null", "{\"a\":1}").map(t -> VALID_ITEM + t);
    Arbitrary<String> structural = Arbitraries.of(
        "{\"itemId\":\"apple\",\"quantity\":1,\"quantity\":2,\"unitPriceCents\":150}",
        "{\"itemId\":\"apple\",\"itemId\":\"pear\",\"quantity\":2,\"unitPriceCents\":150}",
        "{\"itemId\":\"apple\",\"quantity\":2}", "{\"quantity\":2,\"unitPriceCents\":150}",
        "{\"itemId\":\"apple\",\"quantity\":2,\"unitPriceCents\":150,\"extra\":1}",
        "[]", "[" + VALID_ITEM + "]", "\"apple\"", "42", "null", "true", "", "   ", "{", "}", "{{}}", "\u0000", "{\"itemId\":\"apple\"\u0000}",
        "{'itemId':'apple','quantity':2,'unitPriceCents':150}", "{itemId:\"apple\",quantity:2,unitPriceCents:150}",
        "/* */" + VALID_ITEM, "\ufeff" + VALID_ITEM.replace("2", "\"2\""));
    Arbitrary<String> garbage = Arbitraries.strings().all().ofMaxLength(200).filter(s -> !s.trim().startsWith("{\"itemId\""));
    Arbitrary<String> adjustBodies = Arbitraries.of("{\"quantity\":\"3\"}", "{\"quantity\":3.5}", "{\"quantity\":3,\"quantity\":4}",
        "{\"quantity\":0}", "{\"quantity\":1001}", "{\"quantity\":-3}", "{\"quantity\":true}", "{\"quantity\":null}", "{\"quantity\":[3]}",
        "{\"quantity\":9223372036854775808}", "{\"quantity\":3,\"itemId\":\"apple\"}", "{}", "{\"quantity\":3}x");
    return Arbitraries.oneOf(wrongValues, badItemIds, truncated, trailing, structural, garbage, adjustBodies);
  }

  @Provide
  Arbitrary<String> hostileReads() {
    Arbitrary<String> ids = hostileIds().map(RawHttp::encode);
    Arbitrary<String> carts = ids.map(id -> "/carts/" + id);
    Arbitrary<String> after = ids.map(id -> "/carts?after=" + id);
    Arbitrary<String> status = Arbitraries.oneOf(hostileIds(), Arbitraries.of("OPEN", "open ", "checked-out", "all")).map(s -> "/carts?status=" + RawHttp.encode(s));
    Arbitrary<String> limits = Arbitraries.oneOf(
        badNumbers(1, 500).map(n -> "/carts?limit=" + n),
        badNumbers(1, 100).map(n -> "/items/popular?limit=" + n),
        badNumbers(0, 10_000).map(n -> "/carts/seed-1?waitMs=" + n),
        badNumbers(0, Long.MAX_VALUE).map(n -> "/carts/seed-1?minSeqNr=" + n + "&waitMs=0"));
    Arbitrary<String> dates = Arbitraries.oneOf(
        badDates().map(d -> "/sales/daily?from=" + RawHttp.encode(d)),
        badDates().map(d -> "/sales/daily?to=" + RawHttp.encode(d)),
        badDates().map(d -> "/sales/daily?from=" + RawHttp.encode(d) + "&to=2026-11-30"),
        Arbitraries.of("/sales/daily?from=2026-11-30&to=2026-11-01", "/sales/daily?from=2020-01-01&to=2026-01-01"));
    return Arbitraries.oneOf(carts, after, status, limits, dates);
  }

  @Provide
  Arbitrary<String> adminRoutes() {
    return Arbitraries.of(
        "GET /admin/projections", "POST /admin/projections/cart-summary/pause", "POST /admin/projections/daily-sales/resume",
        "POST /admin/projections/item-popularity/rebuild", "POST /admin/projections/cart-summary/rewind", "GET /admin/audit",
        "GET /admin/audit/completeness", "GET /admin/dead-letters", "POST /admin/dead-letters/1/retry", "POST /admin/dead-letters/1/discard",
        "GET /admin/nowhere");
  }

  @Provide
  Arbitrary<String> wrongAuthorizations() {
    String token = TestNodes.ADMIN_TOKEN;
    Arbitrary<String> fixed = Arbitraries.of("", "Bearer", "Bearer ", "Basic " + token, token, "Bearer " + token + "x",
        "Bearer " + token.substring(1), "Bearer " + token.toUpperCase(), "Bearer " + token + "\u00e4", "Bearer \u0000" + token,
        "Bearer " + "t".repeat(10_000), "Bearer 'OR 1=1--", "Bearer " + token.substring(0, 16));
    Arbitrary<String> random = Arbitraries.strings().all().ofMaxLength(60)
        .filter(s -> s.chars().noneMatch(c -> c == '\r' || c == '\n'))
        .map(s -> "Bearer " + s);
    return Arbitraries.oneOf(fixed, random).filter(a -> !a.trim().equalsIgnoreCase("Bearer " + token));
  }

  @Provide
  Arbitrary<String[]> hostileAdminRequests() {
    Arbitrary<String> projection = Arbitraries.of("cart-summary", "item-popularity", "daily-sales");
    Arbitrary<String> operation = Arbitraries.of("pause", "resume", "rebuild");
    Arbitrary<String[]> badSlices = Combinators.combine(projection, operation, badNumbers(0, 3))
        .as((p, o, s) -> new String[] {"POST", "/admin/projections/" + p + "/" + o + "?slice=" + s, null});
    Arbitrary<String[]> badNames = Combinators.combine(hostileIds(), operation)
        .as((n, o) -> new String[] {"POST", "/admin/projections/" + RawHttp.encode(n) + "/" + o, null});
    Arbitrary<String[]> badRewinds = hostileRewindBodies()
        .map(b -> new String[] {"POST", "/admin/projections/cart-summary/rewind", b});
    Arbitrary<String[]> badLimits = Combinators.combine(Arbitraries.of("/admin/audit", "/admin/dead-letters"), badNumbers(1, 1000))
        .as((p, n) -> new String[] {"GET", p + "?limit=" + n, null});
    Arbitrary<String[]> badStatus = hostileIds().map(s -> new String[] {"GET", "/admin/dead-letters?status=" + RawHttp.encode(s), null});
    Arbitrary<String[]> badDeadLetters = Combinators.combine(
            Arbitraries.oneOf(hostileIds().map(RawHttp::encode), Arbitraries.of("99999999999999999999", "-1", "1.5", "0x1")),
            Arbitraries.of("retry", "discard"))
        .as((id, op) -> new String[] {"POST", "/admin/dead-letters/" + id + "/" + op, null});
    return Arbitraries.oneOf(badSlices, badNames, badRewinds, badLimits, badStatus, badDeadLetters);
  }

  private Arbitrary<String> hostileRewindBodies() {
    Arbitrary<String> timestamps = Arbitraries.oneOf(
        Arbitraries.of("+999999999-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "+10000-01-01T00:00:00Z",
            "0000-01-01T00:00:00Z", "2026-11-30", "2026-11-30T10:00:00", "2026-13-01T00:00:00Z", "now", "", "\u0000"),
        badDates().map(d -> d + "T00:00:00Z"));
    Arbitrary<String> byTimestamp = timestamps.map(t -> "{\"toTimestamp\":" + Json.write(t) + ",\"dryRun\":true}");
    Arbitrary<String> byOffset = Arbitraries.of("-1", "-9223372036854775808", "9223372036854775808", "1e30", "1.5", "\"5\"", "true", "null",
            "[1]", "{}", "9007199254740993", "99999999999999999999999")
        .map(o -> "{\"toOffset\":" + o + ",\"dryRun\":true}");
    Arbitrary<String> structural = Arbitraries.of(
        "{\"toOffset\":0,\"toTimestamp\":\"2026-11-30T10:00:00Z\"}", "{\"dryRun\":true}", "{}", "[]", "null", "", "{",
        "{\"toOffset\":0,\"dryRun\":\"yes\"}", "{\"toOffset\":0,\"dryRun\":1}", "{\"toOffset\":0,\"dryRun\":true,\"dryRun\":false}",
        "{\"toOffset\":0,\"toOffset\":1,\"dryRun\":true}", "{\"toOffset\":0,\"dryRun\":true,\"slice\":1}", "{\"toOffset\":0,\"dryRun\":true}x",
        "{\"toOffset\":0,\"dryRun\":true}{}");
    Arbitrary<String> truncated = Arbitraries.integers().between(0, 27).map(n -> "{\"toOffset\":0,\"dryRun\":true}".substring(0, n));
    return Arbitraries.oneOf(byTimestamp, byOffset, structural, truncated);
  }

  @Provide
  Arbitrary<byte[]> invalidUtf8() {
    Arbitrary<byte[]> fixed = Arbitraries.of(
        new byte[] {(byte) 0xe4}, new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc3}, new byte[] {(byte) 0xf0, (byte) 0x9f},
        new byte[] {'a', (byte) 0xe4}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xc0, (byte) 0xaf},
        new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xe4, 'b', 'c'});
    Arbitrary<byte[]> random = Arbitraries.bytes().list().ofMinSize(1).ofMaxSize(8)
        .map(list -> {
          byte[] b = new byte[list.size()];
          for (int i = 0; i < b.length; i++) {
            byte x = list.get(i);
            b[i] = x == '\r' || x == '\n' || x == 0 ? (byte) 0xe4 : x;
          }
          return b;
        })
        .filter(b -> !isUtf8(b));
    return Arbitraries.oneOf(fixed, random);
  }

  @Provide
  Arbitrary<String> headerNames() {
    return Arbitraries.of("X-Hostile", "User-Agent", "Accept", "Authorization", "Cookie", "Accept-Language", "Origin");
  }

  /** Text that is not a whole number in [min, max]: out of range, malformed, or digits a lenient parser would accept. */
  private static Arbitrary<String> badNumbers(long min, long max) {
    Arbitrary<String> outside = Arbitraries.longs().filter(n -> n < min || n > max).map(n -> Long.toString(n));
    Arbitrary<String> malformed = Arbitraries.of("", "-", "abc", "1.5", "1e3", "0x10", " 5", "5 ", "+5", "\u0663", "\uff11",
            "9223372036854775808", "-9223372036854775809", "99999999999999999999999", "NaN", "Infinity", "5\u0000", "5;DROP", "%", "\u00e4")
        .map(RawHttp::encode);
    return Arbitraries.oneOf(outside, malformed);
  }

  private static Arbitrary<String> badDates() {
    Arbitrary<String> outOfRange = Arbitraries.oneOf(
            Arbitraries.integers().between(LocalDate.MIN.getYear(), 1969),
            Arbitraries.integers().between(10_000, LocalDate.MAX.getYear()))
        .map(year -> LocalDate.of(year, 6, 15).toString());
    Arbitrary<String> malformed = Arbitraries.of("+999999999-12-31", "-999999999-01-01", "0000-01-01", "2026-02-30", "2026-13-01",
        "2026-1-1", "20261101", "2026-11-01T00:00:00Z", "", " 2026-11-01", "2026-11-01\u0000", "\u0662\u0660\u0662\u0666-11-01", "yesterday");
    return Arbitraries.oneOf(outOfRange, malformed);
  }

  // ---- assertions and state ----

  private static void assertStatus(int expected, RawHttp.Answer answer) {
    assertJsonError(answer, "expected " + expected);
    assertEquals(expected, answer.status(), answer.toString());
  }

  private static void assertJsonError(RawHttp.Answer answer, String request) {
    String what = request.length() > 300 ? request.substring(0, 300) + "..." : request;
    if (answer.status() < 400 || answer.status() > 499) {
      fail("expected a 4xx, got " + answer.status() + " " + answer.body() + " for " + what);
    }
    assertTrue(answer.contentType().startsWith("application/json"), "not JSON: " + answer + " for " + what);
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(answer.body());
    } catch (Exception e) {
      throw new AssertionError("unparseable JSON error " + answer + " for " + what, e);
    }
    assertTrue(body.path("error").isTextual() && !body.path("error").asText().isEmpty(), "no error code: " + answer + " for " + what);
    assertTrue(body.path("message").isTextual(), "no message: " + answer + " for " + what);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Everything a hostile request could change: journal, read model, offsets, pauses, audit, dead letters. */
  private static Map<String, Object> state() {
    return TestSql.rows(db, """
        SELECT (SELECT count(*) FROM event_journal) AS journal,
               (SELECT count(*) FROM event_tag) AS tags,
               (SELECT count(*) FROM snapshot) AS snapshots,
               (SELECT count(*) FROM read_model.cart_summary) AS cart_summary,
               (SELECT count(*) FROM read_model.cart_line) AS cart_lines,
               (SELECT count(*) FROM read_model.cart_summary_gap) AS gaps,
               (SELECT coalesce(sum(quantity_in_carts), 0) || '/' || coalesce(sum(quantity_checked_out), 0) FROM read_model.item_popularity_by_slice) AS popularity,
               (SELECT count(*) FROM read_model.daily_sales_by_slice) AS daily_sales,
               (SELECT string_agg(projection_name || '/' || projection_key || '=' || current_offset, ',' ORDER BY projection_name, projection_key)
                  FROM pekko_projection_offset_store) AS offsets,
               (SELECT string_agg(projection_name || '/' || projection_key || '=' || paused, ',' ORDER BY projection_name, projection_key)
                  FROM pekko_projection_management) AS paused,
               (SELECT count(*) FROM readside_admin_audit) AS audit,
               (SELECT count(*) FROM readside_dead_letter) AS dead_letters
        """).get(0);
  }

  /** The state once the projections have applied the seed (offsets stop moving). */
  private static Map<String, Object> settledState() {
    // Settled: the same state two polls (700 ms) apart, with an offset for each of the three projections.
    AtomicReference<Map<String, Object>> last = new AtomicReference<>(state());
    return await("projections settle").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(700))
        .until(HostileInputIT::state, now -> now.equals(last.getAndSet(now))
            && now.get("offsets") != null && String.valueOf(now.get("offsets")).split(",").length >= 3);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
