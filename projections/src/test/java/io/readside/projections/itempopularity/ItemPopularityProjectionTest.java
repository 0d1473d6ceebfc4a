package io.readside.projections.itempopularity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.readside.events.CartEvent.CheckedOut;
import io.readside.events.CartEvent.CheckedOutLine;
import io.readside.events.CartEvent.ItemAdded;
import io.readside.events.CartEvent.ItemQuantityAdjusted;
import io.readside.events.CartEvent.ItemRemoved;
import io.readside.projections.SequencedEvent;
import io.readside.projections.itempopularity.ItemPopularityHandler.ItemDelta;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** item-popularity's handler alone: what a group of events adds per item, with no database. */
class ItemPopularityProjectionTest {
  private static final Instant AT = Instant.parse("2026-11-30T10:00:00Z");

  @Test
  void eachEventMovesQuantityIntoCartsOutOfThemOrToCheckedOutSortedByItem() {
    var changes =
        ItemPopularityHandler.handle(
            List.of(
                new SequencedEvent(1, new ItemAdded("a", "pear", 2, 50, AT)),
                new SequencedEvent(2, new ItemAdded("a", "apple", 4, 100, AT)),
                new SequencedEvent(3, new ItemQuantityAdjusted("a", "apple", 4, 3, AT)),
                new SequencedEvent(1, new ItemAdded("b", "plum", 1, 20, AT)),
                new SequencedEvent(2, new ItemRemoved("b", "plum", 1, AT)),
                new SequencedEvent(4, new CheckedOut("a", List.of(new CheckedOutLine("apple", 3, 100), new CheckedOutLine("pear", 2, 50)), 5, 400, AT))));
    assertEquals(
        List.of(new ItemDelta("apple", 0, 3), new ItemDelta("pear", 0, 2), new ItemDelta("plum", 0, 0)),
        changes.items());
  }

  @Test
  void noEventsNoChanges() {
    assertEquals(List.of(), ItemPopularityHandler.handle(List.of()).items());
  }
}
