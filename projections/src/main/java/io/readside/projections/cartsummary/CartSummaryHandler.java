package io.readside.projections.cartsummary;

import io.readside.events.CartEvent;
import io.readside.projections.SequencedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a group of a slice's events means for cart-summary, without a database. An event at or
 * below the cart's applied sequence number was applied already and changes nothing, so a replay
 * (rewind, retry, redelivery) is harmless; an event further on than the next one records a gap.
 */
public final class CartSummaryHandler {
  private CartSummaryHandler() {}

  /** The group's changes: each touched cart once, each touched line once (its final state), the gaps seen. */
  public record Changes(List<Cart> carts, List<Line> lines, List<Gap> gaps) {
    public Changes {
      carts = List.copyOf(carts);
      lines = List.copyOf(lines);
      gaps = List.copyOf(gaps);
    }

    public boolean isEmpty() {
      return carts.isEmpty();
    }
  }

  /** A cart's summary fields after the group (totals are recomputed from its lines); checkedOutAt is null while open. */
  public record Cart(String cartId, long lastSeqNr, Instant firstAt, Instant lastAt, Instant checkedOutAt) {
    Cart then(long seqNr, Instant at, Instant checkedOut) {
      return new Cart(cartId, seqNr, firstAt, at, checkedOut != null ? checkedOut : checkedOutAt);
    }
  }

  /** Where a line ends up after the group. */
  public sealed interface Line {
    String cartId();

    String itemId();

    record Upsert(String cartId, String itemId, int quantity, long unitPriceCents) implements Line {}

    record SetQuantity(String cartId, String itemId, int quantity) implements Line {}

    record Delete(String cartId, String itemId) implements Line {}
  }

  /** A hole in a cart's sequence numbers: events the event source never delivered. */
  public record Gap(String cartId, long fromSeqNr, long toSeqNr) {}

  private record LineKey(String cartId, String itemId) {}

  /** {@code applied}: each cart's last applied sequence number, as the repository read it (absent: none). */
  public static Changes handle(Map<String, Long> applied, List<SequencedEvent> events) {
    Map<String, Long> seen = new HashMap<>(applied);
    Map<String, Cart> carts = new LinkedHashMap<>();
    Map<LineKey, Line> lines = new LinkedHashMap<>();
    List<Gap> gaps = new ArrayList<>();
    for (SequencedEvent se : events) {
      CartEvent event = se.event();
      long alreadyApplied = seen.getOrDefault(event.cartId(), 0L);
      if (se.seqNr() <= alreadyApplied) {
        continue;
      }
      if (se.seqNr() > alreadyApplied + 1) {
        gaps.add(new Gap(event.cartId(), alreadyApplied + 1, se.seqNr() - 1));
      }
      seen.put(event.cartId(), se.seqNr());
      Instant checkedOut = event instanceof CartEvent.CheckedOut ? event.at() : null;
      carts.merge(
          event.cartId(),
          new Cart(event.cartId(), se.seqNr(), event.at(), event.at(), checkedOut),
          (before, now) -> before.then(se.seqNr(), event.at(), checkedOut));
      foldLine(lines, event);
    }
    return new Changes(List.copyOf(carts.values()), List.copyOf(lines.values()), gaps);
  }

  private static void foldLine(Map<LineKey, Line> lines, CartEvent event) {
    switch (event) {
      case CartEvent.ItemAdded e ->
          lines.put(
              new LineKey(e.cartId(), e.itemId()), new Line.Upsert(e.cartId(), e.itemId(), e.quantity(), e.unitPriceCents()));
      case CartEvent.ItemQuantityAdjusted e ->
          lines.merge(
              new LineKey(e.cartId(), e.itemId()),
              new Line.SetQuantity(e.cartId(), e.itemId(), e.newQuantity()),
              (before, now) ->
                  before instanceof Line.Upsert u
                      ? new Line.Upsert(e.cartId(), e.itemId(), e.newQuantity(), u.unitPriceCents())
                      : now);
      case CartEvent.ItemRemoved e -> lines.put(new LineKey(e.cartId(), e.itemId()), new Line.Delete(e.cartId(), e.itemId()));
      case CartEvent.CheckedOut e -> {
        // The lines stay as they were: they are what was checked out.
      }
    }
  }
}
