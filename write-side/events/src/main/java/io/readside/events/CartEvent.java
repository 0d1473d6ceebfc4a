package io.readside.events;

import java.time.Instant;
import java.util.List;

/**
 * The contract between the write side and the projections. Past tense, never renamed, never
 * deleted: the journal keeps these forever. Each event carries what the read models need, so no
 * projection has to read another projection's tables.
 */
public sealed interface CartEvent extends CborSerializable {
  String cartId();

  Instant at();

  record ItemAdded(String cartId, String itemId, int quantity, long unitPriceCents, Instant at)
      implements CartEvent {}

  record ItemQuantityAdjusted(
      String cartId, String itemId, int oldQuantity, int newQuantity, Instant at)
      implements CartEvent {}

  record ItemRemoved(String cartId, String itemId, int oldQuantity, Instant at)
      implements CartEvent {}

  record CheckedOut(
      String cartId, List<CheckedOutLine> lines, int totalQuantity, long totalCents, Instant at)
      implements CartEvent {
    public CheckedOut {
      lines = List.copyOf(lines);
    }
  }

  /** One line of a checked-out cart, priced as it was at checkout. */
  record CheckedOutLine(String itemId, int quantity, long unitPriceCents) {}
}
