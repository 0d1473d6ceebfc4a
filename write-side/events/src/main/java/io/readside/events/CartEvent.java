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
 *
 * <p>{@code traceParent} is the W3C traceparent of the command's persist span (issue 14), so a
 * projection's span can link to the command's trace; null when tracing was off and in older
 * events. It is a field rather than the journal's metadata columns because Pekko's typed
 * EventSourcedBehavior (1.2) has no API to persist metadata. Added at the end as the key was,
 * with the older constructors kept.
 */
public sealed interface CartEvent extends CborSerializable {
  String cartId();

  Instant at();

  String idempotencyKey();

  String traceParent();

  record ItemAdded(
      String cartId, String itemId, int quantity, long unitPriceCents, Instant at,
      @JsonSetter(nulls = Nulls.AS_EMPTY) String idempotencyKey,
      @JsonSetter(nulls = Nulls.AS_EMPTY) String traceParent)
      implements CartEvent {
    public ItemAdded {
      idempotencyKey = nullIfEmpty(idempotencyKey);
      traceParent = nullIfEmpty(traceParent);
    }

    public ItemAdded(String cartId, String itemId, int quantity, long unitPriceCents, Instant at) {
      this(cartId, itemId, quantity, unitPriceCents, at, null, null);
    }

    public ItemAdded(String cartId, String itemId, int quantity, long unitPriceCents, Instant at, String idempotencyKey) {
      this(cartId, itemId, quantity, unitPriceCents, at, idempotencyKey, null);
    }
  }

  record ItemQuantityAdjusted(
      String cartId, String itemId, int oldQuantity, int newQuantity, Instant at,
      @JsonSetter(nulls = Nulls.AS_EMPTY) String idempotencyKey,
      @JsonSetter(nulls = Nulls.AS_EMPTY) String traceParent)
      implements CartEvent {
    public ItemQuantityAdjusted {
      idempotencyKey = nullIfEmpty(idempotencyKey);
      traceParent = nullIfEmpty(traceParent);
    }

    public ItemQuantityAdjusted(String cartId, String itemId, int oldQuantity, int newQuantity, Instant at) {
      this(cartId, itemId, oldQuantity, newQuantity, at, null, null);
    }

    public ItemQuantityAdjusted(String cartId, String itemId, int oldQuantity, int newQuantity, Instant at, String idempotencyKey) {
      this(cartId, itemId, oldQuantity, newQuantity, at, idempotencyKey, null);
    }
  }

  record ItemRemoved(
      String cartId, String itemId, int oldQuantity, Instant at,
      @JsonSetter(nulls = Nulls.AS_EMPTY) String idempotencyKey,
      @JsonSetter(nulls = Nulls.AS_EMPTY) String traceParent)
      implements CartEvent {
    public ItemRemoved {
      idempotencyKey = nullIfEmpty(idempotencyKey);
      traceParent = nullIfEmpty(traceParent);
    }

    public ItemRemoved(String cartId, String itemId, int oldQuantity, Instant at) {
      this(cartId, itemId, oldQuantity, at, null, null);
    }

    public ItemRemoved(String cartId, String itemId, int oldQuantity, Instant at, String idempotencyKey) {
      this(cartId, itemId, oldQuantity, at, idempotencyKey, null);
    }
  }

  record CheckedOut(
      String cartId, List<CheckedOutLine> lines, int totalQuantity, long totalCents, Instant at,
      @JsonSetter(nulls = Nulls.AS_EMPTY) String idempotencyKey,
      @JsonSetter(nulls = Nulls.AS_EMPTY) String traceParent)
      implements CartEvent {
    public CheckedOut {
      lines = List.copyOf(lines);
      idempotencyKey = nullIfEmpty(idempotencyKey);
      traceParent = nullIfEmpty(traceParent);
    }

    public CheckedOut(String cartId, List<CheckedOutLine> lines, int totalQuantity, long totalCents, Instant at) {
      this(cartId, lines, totalQuantity, totalCents, at, null, null);
    }

    public CheckedOut(String cartId, List<CheckedOutLine> lines, int totalQuantity, long totalCents, Instant at, String idempotencyKey) {
      this(cartId, lines, totalQuantity, totalCents, at, idempotencyKey, null);
    }
  }

  /** One line of a checked-out cart, priced as it was at checkout. */
  record CheckedOutLine(String itemId, int quantity, long unitPriceCents) {}

  private static String nullIfEmpty(String key) {
    return key == null || key.isEmpty() ? null : key;
  }
}
