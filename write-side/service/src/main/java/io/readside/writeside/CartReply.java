package io.readside.writeside;

import io.readside.events.CborSerializable;
import java.time.Instant;
import java.util.List;

/** The answer to a command: the cart as it now is, or why nothing changed. */
public sealed interface CartReply extends CborSerializable {

  record Accepted(CartView cart) implements CartReply {}

  record Rejected(Rejection rejection) implements CartReply {}

  /** The cart as clients see it; {@code seqNr} is what the read API's minSeqNr waits for. */
  record CartView(
      String cartId,
      String status,
      List<LineView> lines,
      int totalQuantity,
      long totalCents,
      long seqNr,
      Instant checkedOutAt) {}

  record LineView(String itemId, int quantity, long unitPriceCents) {}
}
