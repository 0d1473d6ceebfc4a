package io.readside.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.scaladsl.unmarshalling.Unmarshaller.UnsupportedContentTypeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JSON body unmarshaller (Jackson's, over the strict mapper) and the 400 it becomes. */
class JsonBodiesTest {
  record Item(String itemId, int quantity, long unitPriceCents) {}

  private static ActorSystem system;

  @BeforeAll
  static void start() {
    // Pekko's Jackson serializer would load Jackson's Scala module (2.19), which refuses the
    // jackson-databind 2.20 that pekko-http-jackson brings; the nodes leave it out too (application.conf).
    system = ActorSystem.create("JsonBodiesTest", ConfigFactory.parseString(
        "pekko.serialization.jackson.jackson-modules = [\"com.fasterxml.jackson.datatype.jsr310.JavaTimeModule\"]")
        .withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void aWellTypedBodyIsRead() throws Exception {
    assertEquals(new Item("apple", 2, 150), read(ContentTypes.APPLICATION_JSON, "{\"itemId\":\"apple\",\"quantity\":2,\"unitPriceCents\":150}"));
  }

  @Test
  void wrongTypesDuplicateKeysAndTrailingTextAreBadRequests() {
    for (String body : new String[] {
        "{\"itemId\":\"apple\",\"quantity\":\"2\",\"unitPriceCents\":150}",
        "{\"itemId\":2,\"quantity\":2,\"unitPriceCents\":150}",
        "{\"itemId\":\"apple\",\"quantity\":2.0,\"unitPriceCents\":150}",
        "{\"itemId\":\"apple\",\"quantity\":true,\"unitPriceCents\":150}",
        "{\"itemId\":\"apple\",\"quantity\":2,\"unitPriceCents\":\"150\"}",
        "{\"itemId\":\"apple\",\"quantity\":1,\"quantity\":2,\"unitPriceCents\":150}",
        "{\"itemId\":\"apple\",\"quantity\":2,\"unitPriceCents\":150}x",
        "{\"itemId\":\"apple\",\"quantity\":2,\"unitPriceCents\":9223372036854775808}",
        "{\"itemId\":\"apple\",\"quantity\":2,\"unitPriceCents\":150,\"extra\":1}"}) {
      assertEquals("malformed_json", refusal(body).code(), body);
    }
  }

  @Test
  void aMissingBodyAndJsonNullAreRefusedWithTheirOwnMessage() {
    assertEquals("a JSON body is required", refusal("").getMessage());
    assertEquals("a JSON body is required", refusal("   ").getMessage());
    assertEquals("a JSON object is required", refusal("null").getMessage());
    assertEquals("malformed_json", refusal("null").code());
  }

  @Test
  void aWrongFieldIsNamed() {
    assertTrue(refusal("{\"itemId\":\"apple\",\"quantity\":\"2\",\"unitPriceCents\":150}").getMessage().contains("(field quantity)"));
  }

  @Test
  void onlyJsonIsRead() {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> read(ContentTypes.TEXT_PLAIN_UTF8, "{\"itemId\":\"apple\",\"quantity\":2,\"unitPriceCents\":150}"));
    assertInstanceOf(UnsupportedContentTypeException.class, e.getCause());
  }

  private static Item read(ContentType.NonBinary type, String body) throws Exception {
    return JsonBodies.unmarshaller(Item.class).unmarshal(HttpEntities.create(type, body), system).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static BadRequest refusal(String body) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> read(ContentTypes.APPLICATION_JSON, body), body);
    return JsonBodies.refusal(e.getCause());
  }
}
