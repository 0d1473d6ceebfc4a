package io.readside.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class JsonBodiesTest {
  record Item(String itemId, int quantity, long unitPriceCents) {}

  @Test
  void aWellTypedBodyIsRead() {
    assertEquals(new Item("apple", 2, 150), JsonBodies.parse("{\"itemId\":\"apple\",\"quantity\":2,\"unitPriceCents\":150}", Item.class));
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
        "{\"itemId\":\"apple\",\"quantity\":2,\"unitPriceCents\":9223372036854775808}"}) {
      BadRequest e = assertThrows(BadRequest.class, () -> JsonBodies.parse(body, Item.class), body);
      assertEquals("malformed_json", e.code(), body);
    }
  }
}
