package io.readside.writeside;

import io.readside.events.CartEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The newest Idempotency-Keys a cart persisted events under, oldest first, each with what its
 * command asked for and the reply it got. Part of the cart's state, so it is rebuilt from the
 * events (which carry their key) and kept in snapshots. Bounded: a key older than the newest
 * {@link #CAPACITY} is forgotten, and a retry with it is decided afresh.
 */
public record RecentKeys(List<Entry> entries) {
  public static final int CAPACITY = 100;
  public static final RecentKeys NONE = new RecentKeys(List.of());

  public RecentKeys {
    // Snapshots taken before keys existed have none.
    entries = entries == null ? List.of() : List.copyOf(entries);
  }

  public record Entry(String key, Request request, CartReply.CartView reply) {}

  /**
   * What a command asked for, told apart from what another command with the same key asked for.
   * Derived from the command before, and from its event after, persisting.
   */
  public record Request(Action action, String itemId, int quantity, long unitPriceCents) {
    public enum Action {
      ADD_ITEM,
      ADJUST_QUANTITY,
      REMOVE_ITEM,
      CHECKOUT,
      GET
    }

    static Request of(CartCommand command) {
      return switch (command) {
        case CartCommand.AddItem c -> new Request(Action.ADD_ITEM, c.itemId(), c.quantity(), c.unitPriceCents());
        case CartCommand.AdjustItemQuantity c -> new Request(Action.ADJUST_QUANTITY, c.itemId(), c.quantity(), 0);
        case CartCommand.RemoveItem c -> new Request(Action.REMOVE_ITEM, c.itemId(), 0, 0);
        case CartCommand.Checkout c -> new Request(Action.CHECKOUT, null, 0, 0);
        case CartCommand.Get c -> new Request(Action.GET, null, 0, 0);
      };
    }

    static Request of(CartEvent event) {
      return switch (event) {
        case CartEvent.ItemAdded e -> new Request(Action.ADD_ITEM, e.itemId(), e.quantity(), e.unitPriceCents());
        case CartEvent.ItemQuantityAdjusted e -> new Request(Action.ADJUST_QUANTITY, e.itemId(), e.newQuantity(), 0);
        case CartEvent.ItemRemoved e -> new Request(Action.REMOVE_ITEM, e.itemId(), 0, 0);
        case CartEvent.CheckedOut e -> new Request(Action.CHECKOUT, null, 0, 0);
      };
    }
  }

  Optional<Entry> find(String key) {
    return entries.stream().filter(e -> e.key().equals(key)).findFirst();
  }

  RecentKeys remember(Entry entry) {
    List<Entry> next = new ArrayList<>(entries.size() + 1);
    next.addAll(entries.size() >= CAPACITY ? entries.subList(entries.size() - CAPACITY + 1, entries.size()) : entries);
    next.add(entry);
    return new RecentKeys(next);
  }
}
