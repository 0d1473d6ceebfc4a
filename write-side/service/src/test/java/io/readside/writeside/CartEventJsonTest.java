package io.readside.writeside;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.readside.events.CartEvent;
import io.readside.platform.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parked dead letters keep an event as JSON and read it back with the strict {@link Json#MAPPER}
 * (which refuses null constructor arguments): an event with or without an Idempotency-Key or a
 * trace context must come back equal.
 */
class CartEventJsonTest {
  private static final Instant AT = Instant.parse("2026-11-30T12:34:56.789Z");
  private static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void eventsWithAndWithoutAnIdempotencyKeyOrTraceContextRoundTripThroughTheStrictJsonMapper() {
    List<CartEvent> events =
        List.of(
            new CartEvent.ItemAdded("c", "a", 1, 10, AT),
            new CartEvent.ItemAdded("c", "a", 1, 10, AT, "key-1"),
            new CartEvent.ItemQuantityAdjusted("c", "a", 1, 2, AT),
            new CartEvent.ItemQuantityAdjusted("c", "a", 1, 2, AT, "key-2"),
            new CartEvent.ItemRemoved("c", "a", 2, AT),
            new CartEvent.ItemRemoved("c", "a", 2, AT, "key-3"),
            new CartEvent.CheckedOut("c", List.of(new CartEvent.CheckedOutLine("a", 1, 10)), 1, 10, AT),
            new CartEvent.CheckedOut("c", List.of(new CartEvent.CheckedOutLine("a", 1, 10)), 1, 10, AT, "key-4"),
            new CartEvent.ItemAdded("c", "a", 1, 10, AT, null, TRACE),
            new CartEvent.CheckedOut("c", List.of(new CartEvent.CheckedOutLine("a", 1, 10)), 1, 10, AT, "key-5", TRACE));
    for (CartEvent event : events) {
      Object json = Json.parse(Json.write(event));
      assertEquals(event, Json.MAPPER.convertValue(json, event.getClass()));
    }
  }
}
