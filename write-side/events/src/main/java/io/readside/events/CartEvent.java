package io.readside.events;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.time.Instant;
import java.util.List;

/**
 * The contract between the write side and the projections. Past tense, never renamed, never
 * deleted: the journal keeps these forever. Each event carries what the read models need, so no
 * projection has to read another projection's tables.
 *
 * <p>{@code idempotencyKey} is the client's Idempotency-Key of the command that caused the event,
 * so a cart remembers it across restarts. It is null when the client sent none and in events
 * written before keys existed: a field added at the end, which Jackson reads as absent. Projections
 * ignore it. It is read with {@code nulls = AS_EMPTY} and "" turned back into null, because the
 * strict JSON mapper of parked dead letters refuses null constructor arguments.
 */
public sealed interface CartEvent extends CborSerializable {
  String cartId();

  Instant at();

  String idempotencyKey();

  record ItemAdded(
      String cartId, String itemId, int quantity, long unitPriceCents, Instant at,
      @JsonSetter(nulls = Nulls.AS_EMPTY) String idempotencyKey)
      implements CartEvent {
    public ItemAdded {
      idempotencyKey = noKeyIfEmpty(idempotencyKey);
    }

    public ItemAdded(String cartId, String itemId, int quantity, long unitPriceCents, Instant at) {
      this(cartId, itemId, quantity, unitPriceCents, at, null);
    }
  }

  record ItemQuantityAdjusted(
      String cartId, String itemId, int oldQuantity, int newQuantity, Instant at,
      @JsonSetter(nulls = Nulls.AS_EMPTY) String idempotencyKey)
      implements CartEvent {
    public ItemQuantityAdjusted {
      idempotencyKey = noKeyIfEmpty(idempotencyKey);
    }

    public ItemQuantityAdjusted(String cartId, String itemId, int oldQuantity, int newQuantity, Instant at) {
      this(cartId, itemId, oldQuantity, newQuantity, at, null);
    }
  }

  record ItemRemoved(
      String cartId, String itemId, int oldQuantity, Instant at,
      @JsonSetter(nulls = Nulls.AS_EMPTY) String idempotencyKey)
      implements CartEvent {
    public ItemRemoved {
      idempotencyKey = noKeyIfEmpty(idempotencyKey);
    }

    public ItemRemoved(String cartId, String itemId, int oldQuantity, Instant at) {
      this(cartId, itemId, oldQuantity, at, null);
    }
  }

  record CheckedOut(
      String cartId, List<CheckedOutLine> lines, int totalQuantity, long totalCents, Instant at,
      @JsonSetter(nulls = Nulls.AS_EMPTY) String idempotencyKey)
      implements CartEvent {
    public CheckedOut {
      lines = List.copyOf(lines);
      idempotencyKey = noKeyIfEmpty(idempotencyKey);
    }

    public CheckedOut(String cartId, List<CheckedOutLine> lines, int totalQuantity, long totalCents, Instant at) {
      this(cartId, lines, totalQuantity, totalCents, at, null);
    }
  }

  /** One line of a checked-out cart, priced as it was at checkout. */
  record CheckedOutLine(String itemId, int quantity, long unitPriceCents) {}

  private static String noKeyIfEmpty(String key) {
    return key == null || key.isEmpty() ? null : key;
  }
}
