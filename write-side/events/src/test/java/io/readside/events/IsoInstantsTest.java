package io.readside.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {
  @Test
  void readsEveryInstantAsTheLibraryWritesIt() {
    Random random = new Random(13);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      long seconds = min + (long) (random.nextDouble() * (max - min));
      // Whole seconds, milliseconds, microseconds and nanoseconds, as clocks give them.
      int nanos = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1_000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      Instant instant = Instant.ofEpochSecond(seconds, nanos);
      String text = DateTimeFormatter.ISO_INSTANT.format(instant);
      assertEquals(instant, IsoInstants.parse(text), text);
    }
    assertEquals(Instant.parse("2026-12-01T07:28:34.3Z"), IsoInstants.parse("2026-12-01T07:28:34.3Z"));
    assertEquals(Instant.parse("2024-02-29T23:59:59.123456789Z"), IsoInstants.parse("2024-02-29T23:59:59.123456789Z"));
  }

  @Test
  void leavesEveryOtherFormToTheLibrary() {
    for (String other : new String[] {
        "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-01T24:00:00Z", "2026-12-01T23:60:00Z",
        "2026-12-01T23:59:60Z", "2026-12-01 07:28:34Z", "2026-12-01T07:28:34.Z", "2026-12-01T07:28:34.1234567890Z",
        "2026-12-01T07:28:34+01:00", "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "2026-12-01T07:28Z",
        "2026-12-01T07:28:34,5Z", "2026-1a-01T07:28:34Z", "", "2026-12-01"}) {
      assertNull(IsoInstants.parse(other), other);
    }
  }

  @Test
  void theModuleReadsWhatTheLibraryReadsAndRefusesWhatItRefuses() throws Exception {
    ObjectMapper library = new ObjectMapper().registerModule(new JavaTimeModule());
    ObjectMapper ours = new ObjectMapper().registerModule(new JavaTimeModule()).registerModule(new IsoInstantModule());
    for (String json : new String[] {"\"2026-11-30T12:34:56.789Z\"", "\"2026-11-30T12:34:56Z\"", "\"2026-11-30T13:34:56.789+01:00\"",
        "1764506096.789000000", "1764506096789", "\"+10000-01-01T00:00:00Z\""}) {
      assertEquals(library.readValue(json, Instant.class), ours.readValue(json, Instant.class), json);
    }
    InvalidFormatException refused = assertThrows(InvalidFormatException.class, () -> ours.readValue("\"2026-02-30T00:00:00Z\"", Instant.class));
    assertTrue(refused.getMessage().contains("2026-02-30T00:00:00Z"), refused.getMessage());
    assertThrows(InvalidFormatException.class, () -> library.readValue("\"2026-02-30T00:00:00Z\"", Instant.class));
  }
}
