package io.readside.projections.cartsummary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.readside.events.CartEvent.CheckedOut;
import io.readside.events.CartEvent.CheckedOutLine;
import io.readside.events.CartEvent.ItemAdded;
import io.readside.events.CartEvent.ItemQuantityAdjusted;
import io.readside.events.CartEvent.ItemRemoved;
import io.readside.projections.SequencedEvent;
import io.readside.projections.cartsummary.CartSummaryHandler.Cart;
import io.readside.projections.cartsummary.CartSummaryHandler.Changes;
import io.readside.projections.cartsummary.CartSummaryHandler.Gap;
import io.readside.projections.cartsummary.CartSummaryHandler.Line;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** cart-summary's handler alone: what a group of events changes, with no database. */
class CartSummaryProjectionTest {
  private static final Instant T1 = Instant.parse("2026-11-30T10:00:00Z");
  private static final Instant T2 = Instant.parse("2026-11-30T10:05:00Z");

  @Test
  void aGroupBecomesOneSummaryPerCartAndEachLinesFinalState() {
    Changes changes =
        CartSummaryHandler.handle(
            Map.of(),
            List.of(
                new SequencedEvent(1, new ItemAdded("a", "apple", 2, 100, T1)),
                new SequencedEvent(2, new ItemAdded("a", "pear", 1, 50, T1)),
                new SequencedEvent(3, new ItemQuantityAdjusted("a", "apple", 2, 3, T1)),
                new SequencedEvent(4, new ItemRemoved("a", "pear", 1, T2)),
                new SequencedEvent(5, new CheckedOut("a", List.of(new CheckedOutLine("apple", 3, 100)), 3, 300, T2))));
    assertEquals(List.of(new Cart("a", 5, T1, T2, T2)), changes.carts());
    assertEquals(List.of(new Line.Upsert("a", "apple", 3, 100), new Line.Delete("a", "pear")), changes.lines());
    assertEquals(List.of(), changes.gaps());
  }

  @Test
  void anEnvelopeAtOrBelowTheAppliedSeqNrChangesNothing() {
    SequencedEvent added = new SequencedEvent(2, new ItemAdded("a", "apple", 2, 100, T1));
    // The same envelope twice: once applied (seqNr 2 is in the table), and again in one group.
    assertTrue(CartSummaryHandler.handle(Map.of("a", 2L), List.of(added)).isEmpty());
    Changes twice = CartSummaryHandler.handle(Map.of("a", 1L), List.of(added, added));
    assertEquals(List.of(new Cart("a", 2, T1, T1, null)), twice.carts());
    assertEquals(List.of(new Line.Upsert("a", "apple", 2, 100)), twice.lines());
  }

  @Test
  void anEventBeyondTheNextSeqNrIsAppliedAndItsHoleRecorded() {
    Changes changes = CartSummaryHandler.handle(Map.of("a", 1L), List.of(new SequencedEvent(4, new ItemAdded("a", "plum", 1, 20, T1))));
    assertEquals(List.of(new Gap("a", 2, 3)), changes.gaps());
    assertEquals(4, changes.carts().get(0).lastSeqNr());
  }

  @Test
  void adjustingALineTheGroupDidNotAddOnlySetsItsQuantity() {
    Changes changes =
        CartSummaryHandler.handle(Map.of("a", 1L), List.of(new SequencedEvent(2, new ItemQuantityAdjusted("a", "apple", 2, 7, T1))));
    assertEquals(List.of(new Line.SetQuantity("a", "apple", 7)), changes.lines());
  }

  @Test
  void theAppliedSeqNrsItIsGivenAreLeftAsTheyWere() {
    Map<String, Long> applied = new HashMap<>(Map.of("a", 1L));
    CartSummaryHandler.handle(applied, List.of(new SequencedEvent(2, new ItemAdded("a", "apple", 1, 100, T1))));
    assertEquals(Map.of("a", 1L), applied);
  }
}
