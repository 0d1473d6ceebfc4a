package io.readside.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.Json;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The Idempotency-Key header over HTTP: checked, a retry answers the original reply, a reuse is refused. */
class IdempotencyKeyIT {
  private final HttpClient http = HttpClient.newHttpClient();

  record Reply(int status, String body) {
    JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  @Test
  void aRetryWithTheSameKeyAnswersTheOriginalReplyAndPersistsOnceAndBadOrReusedKeysAreRefused() throws Exception {
    DatabaseSettings db = TestDatabase.freshDatabase(IdempotencyKeyIT.class);
    Migrations.migrate(db);
    try (ReadsideNode node = TestNodes.start(db, EnumSet.of(Role.WRITE))) {
      String base = "http://127.0.0.1:" + node.writeSideAddress().orElseThrow().getPort() + "/carts/ik-1";
      String apple = "{\"itemId\":\"apple\",\"quantity\":2,\"unitPriceCents\":150}";

      Reply first = send(base + "/items", "POST", apple, "add-apple-1");
      assertEquals(200, first.status(), first.body());
      assertEquals(1, first.json().get("seqNr").asLong());
      send(base + "/items", "POST", "{\"itemId\":\"pear\",\"quantity\":1,\"unitPriceCents\":90}", "add-pear-1");

      Reply retry = send(base + "/items", "POST", apple, "add-apple-1");
      assertEquals(200, retry.status());
      assertEquals(first.body(), retry.body());
      assertEquals(409, send(base + "/items", "POST", apple, null).status(), "without the key it is a second add");

      Reply reused = send(base + "/items", "POST", apple.replace("2", "3"), "add-apple-1");
      assertEquals(422, reused.status());
      assertEquals("idempotency_key_reused", reused.json().get("error").asText());

      for (String bad : new String[] {"", "has space", "x".repeat(65), "a/b"}) {
        Reply invalid = send(base + "/checkout", "POST", "", bad);
        assertEquals(400, invalid.status(), "key '" + bad + "': " + invalid.body());
        assertEquals("invalid_idempotency_key", invalid.json().get("error").asText());
      }

      Reply checkout = send(base + "/checkout", "POST", "", "checkout-1");
      assertEquals(200, checkout.status(), checkout.body());
      assertEquals(checkout.body(), send(base + "/checkout", "POST", "", "checkout-1").body());
      assertEquals(409, send(base + "/checkout", "POST", "", "checkout-2").status());
      assertEquals(3, TestSql.longValue(db, "SELECT count(*) FROM event_journal WHERE persistence_id = 'ShoppingCart|ik-1'"));
    }
  }

  private Reply send(String uri, String method, String body, String key) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body());
  }
}
