package io.readside.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class CartEventSerializationTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Instant AT = Instant.parse("2026-11-30T12:34:56.789Z");
  private static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  /** One sample per permitted subclass; the coverage test fails when a new event has none. */
  private static final List<CartEvent> SAMPLES =
      List.of(
          new CartEvent.ItemAdded("cart-1", "sku-1", 3, 1999, AT),
          new CartEvent.ItemQuantityAdjusted("cart-1", "sku-1", 3, 5, AT),
          new CartEvent.ItemRemoved("cart-1", "sku-1", 5, AT),
          new CartEvent.CheckedOut(
              "cart-1",
              List.of(new CartEvent.CheckedOutLine("sku-1", 2, 100), new CartEvent.CheckedOutLine("sku-2", 1, 50)),
              3,
              250,
              AT),
          new CartEvent.ItemAdded("cart-1", "sku-3", 1, 10, AT, "key-1"),
          new CartEvent.ItemQuantityAdjusted("cart-1", "sku-3", 1, 2, AT, "key-2"),
          new CartEvent.ItemRemoved("cart-1", "sku-3", 2, AT, "key-3"),
          new CartEvent.CheckedOut("cart-1", List.of(new CartEvent.CheckedOutLine("sku-1", 2, 100)), 2, 200, AT, "key-4"),
          new CartEvent.ItemAdded("cart-1", "sku-4", 1, 10, AT, null, TRACE),
          new CartEvent.ItemQuantityAdjusted("cart-1", "sku-4", 1, 2, AT, "key-5", TRACE),
          new CartEvent.ItemRemoved("cart-1", "sku-4", 2, AT, null, TRACE),
          new CartEvent.CheckedOut("cart-1", List.of(new CartEvent.CheckedOutLine("sku-1", 2, 100)), 2, 200, AT, "key-6", TRACE));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void everyPermittedEventHasASample() {
    Set<Class<?>> permitted = Arrays.stream(CartEvent.class.getPermittedSubclasses()).collect(Collectors.toSet());
    Set<Class<?>> sampled = SAMPLES.stream().map(Object::getClass).collect(Collectors.toSet());
    assertEquals(permitted, sampled);
  }

  @Test
  void everyEventRoundTripsThroughJacksonCbor() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    for (CartEvent event : SAMPLES) {
      var serializer = serialization.findSerializerFor(event);
      assertEquals(JacksonCborSerializer.class, serializer.getClass(), event.getClass().getSimpleName());
      byte[] bytes = serialization.serialize(event).get();
      String manifest = Serializers.manifestFor(serializer, event);
      Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
      assertEquals(event, back);
    }
  }

  /** As the deployables configure it (ops application.conf): the events' instants read by IsoInstantModule. */
  @Test
  void everyEventRoundTripsWithTheInstantModuleRegistered() throws Exception {
    ActorTestKit withModule = ActorTestKit.create(com.typesafe.config.ConfigFactory.parseString(
        "pekko.serialization.jackson.jackson-modules += \"io.readside.events.IsoInstantModule\"")
        .withFallback(com.typesafe.config.ConfigFactory.load()).resolve());
    try {
      ObjectMapper cbor = JacksonObjectMapperProvider.get(withModule.system()).getOrCreate("jackson-cbor", Optional.empty());
      assertTrue(cbor.getRegisteredModuleIds().contains("readside-iso-instant"), cbor.getRegisteredModuleIds().toString());
      Serialization serialization = SerializationExtension.get(withModule.system());
      for (CartEvent event : SAMPLES) {
        var serializer = serialization.findSerializerFor(event);
        byte[] bytes = serialization.serialize(event).get();
        assertEquals(event, serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, event)).get());
      }
    } finally {
      withModule.shutdownTestKit();
    }
  }

  @Test
  void eventsWrittenBeforeIdempotencyKeysExistedReadWithoutAKey() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    ObjectMapper cbor = JacksonObjectMapperProvider.get(testKit.system()).getOrCreate("jackson-cbor", Optional.empty());
    // The CBOR an ItemAdded had before the field was added: the same fields, no idempotencyKey.
    byte[] old = cbor.writeValueAsBytes(Map.of(
        "cartId", "cart-1", "itemId", "sku-1", "quantity", 3, "unitPriceCents", 1999, "at", AT.toString()));
    CartEvent sample = new CartEvent.ItemAdded("cart-1", "sku-1", 3, 1999, AT);
    var serializer = serialization.findSerializerFor(sample);
    Object back = serialization.deserialize(old, serializer.identifier(), Serializers.manifestFor(serializer, sample)).get();
    assertEquals(sample, back);
    assertNull(((CartEvent) back).idempotencyKey());
  }

  @Test
  void eventsWrittenBeforeTraceContextsExistedReadWithoutOne() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    ObjectMapper cbor = JacksonObjectMapperProvider.get(testKit.system()).getOrCreate("jackson-cbor", Optional.empty());
    // The CBOR a CheckedOut had before traceParent was added: a key, no traceParent.
    byte[] old = cbor.writeValueAsBytes(Map.of(
        "cartId", "cart-1", "lines", List.of(Map.of("itemId", "sku-1", "quantity", 2, "unitPriceCents", 100)),
        "totalQuantity", 2, "totalCents", 200, "at", AT.toString(), "idempotencyKey", "key-4"));
    CartEvent sample = new CartEvent.CheckedOut("cart-1", List.of(new CartEvent.CheckedOutLine("sku-1", 2, 100)), 2, 200, AT, "key-4");
    var serializer = serialization.findSerializerFor(sample);
    Object back = serialization.deserialize(old, serializer.identifier(), Serializers.manifestFor(serializer, sample)).get();
    assertEquals(sample, back);
    assertNull(((CartEvent) back).traceParent());
  }
}
