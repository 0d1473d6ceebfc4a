package io.readside.projections.dailysales;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.readside.events.CartEvent.CheckedOut;
import io.readside.events.CartEvent.CheckedOutLine;
import io.readside.events.CartEvent.ItemAdded;
import io.readside.events.CartEvent.ItemRemoved;
import io.readside.projections.SequencedEvent;
import io.readside.projections.dailysales.DailySalesHandler.DaySales;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** daily-sales' handler alone: what a group of events adds per UTC day, with no database. */
class DailySalesProjectionTest {
  @Test
  void sumsCheckoutsPerUtcDayOfCheckoutSortedByDay() {
    var changes =
        DailySalesHandler.handle(
            List.of(
                new SequencedEvent(2, checkout("b", 1, 20, "2026-11-30T00:00:00Z")),
                new SequencedEvent(2, checkout("a", 3, 300, "2026-11-29T23:59:59Z")),
                new SequencedEvent(2, checkout("c", 2, 80, "2026-11-30T23:00:00Z"))));
    assertEquals(
        List.of(new DaySales(LocalDate.parse("2026-11-29"), 1, 3, 300), new DaySales(LocalDate.parse("2026-11-30"), 2, 3, 100)),
        changes.days());
  }

  @Test
  void eventsOtherThanCheckoutsChangeNothing() {
    Instant at = Instant.parse("2026-11-30T10:00:00Z");
    assertEquals(
        List.of(),
        DailySalesHandler.handle(
                List.of(new SequencedEvent(1, new ItemAdded("a", "apple", 1, 100, at)), new SequencedEvent(2, new ItemRemoved("a", "apple", 1, at))))
            .days());
  }

  private static CheckedOut checkout(String cart, int quantity, long cents, String at) {
    return new CheckedOut(cart, List.of(new CheckedOutLine("apple", quantity, cents / quantity)), quantity, cents, Instant.parse(at));
  }
}
