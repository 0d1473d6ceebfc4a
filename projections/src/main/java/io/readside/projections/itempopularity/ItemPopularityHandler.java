package io.readside.projections.itempopularity;

import io.readside.events.CartEvent;
import io.readside.projections.SequencedEvent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a group of a slice's events means for item-popularity, without a database: per item, what to add. */
public final class ItemPopularityHandler {
  private ItemPopularityHandler() {}

  /** Per item, the quantities the group adds to the slice's row; sorted by item. */
  public record Changes(List<ItemDelta> items) {
    public Changes {
      items = List.copyOf(items);
    }
  }

  public record ItemDelta(String itemId, long inCarts, long checkedOut) {
    ItemDelta plus(ItemDelta other) {
      return new ItemDelta(itemId, inCarts + other.inCarts, checkedOut + other.checkedOut);
    }
  }

  public static Changes handle(List<SequencedEvent> events) {
    // Sorted by item: concurrent slices then lock rows in one order (no deadlocks between them).
    Map<String, ItemDelta> deltas = new TreeMap<>();
    for (SequencedEvent se : events) {
      switch (se.event()) {
        case CartEvent.ItemAdded e -> add(deltas, e.itemId(), e.quantity(), 0);
        case CartEvent.ItemQuantityAdjusted e -> add(deltas, e.itemId(), e.newQuantity() - e.oldQuantity(), 0);
        case CartEvent.ItemRemoved e -> add(deltas, e.itemId(), -e.oldQuantity(), 0);
        case CartEvent.CheckedOut e -> e.lines().forEach(l -> add(deltas, l.itemId(), -l.quantity(), l.quantity()));
      }
    }
    return new Changes(List.copyOf(deltas.values()));
  }

  private static void add(Map<String, ItemDelta> deltas, String itemId, long inCarts, long checkedOut) {
    deltas.merge(itemId, new ItemDelta(itemId, inCarts, checkedOut), ItemDelta::plus);
  }
}
