package io.readside.projections.itemsremoved;

import io.readside.events.CartEvent;
import io.readside.projections.SequencedEvent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a group of a slice's events means for items-removed, without a database: per item, the removals to add. */
public final class ItemsRemovedHandler {
  private ItemsRemovedHandler() {}

  /** Per item, what the group adds to the slice's row; sorted by item, so slices lock rows in one order. */
  public record Changes(List<Removed> items) {
    public Changes {
      items = List.copyOf(items);
    }
  }

  public record Removed(String itemId, long removals, long quantity) {
    Removed plus(Removed other) {
      return new Removed(itemId, removals + other.removals, quantity + other.quantity);
    }
  }

  public static Changes handle(List<SequencedEvent> events) {
    Map<String, Removed> byItem = new TreeMap<>();
    for (SequencedEvent se : events) {
      switch (se.event()) {
        case CartEvent.ItemRemoved e -> byItem.merge(e.itemId(), new Removed(e.itemId(), 1, e.oldQuantity()), Removed::plus);
        case CartEvent.ItemAdded e -> {}
        case CartEvent.ItemQuantityAdjusted e -> {}
        case CartEvent.CheckedOut e -> {}
      }
    }
    return new Changes(List.copyOf(byItem.values()));
  }
}
