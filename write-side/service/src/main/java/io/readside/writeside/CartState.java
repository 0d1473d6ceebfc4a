package io.readside.writeside;

import io.readside.events.CartEvent;
import io.readside.events.CartEvent.CheckedOut;
import io.readside.events.CartEvent.CheckedOutLine;
import io.readside.events.CartEvent.ItemAdded;
import io.readside.events.CartEvent.ItemQuantityAdjusted;
import io.readside.events.CartEvent.ItemRemoved;
import io.readside.events.CborSerializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A cart's state and its decisions: which event a command yields, or why it is refused. Plain
 * methods, testable without actors; the behavior only persists and replies.
 */
public record CartState(Map<String, Line> lines, Instant checkedOutAt, RecentKeys recentKeys, long seqNr)
    implements CborSerializable {

  public static final CartState EMPTY = new CartState(Map.of(), null, RecentKeys.NONE, 0);

  public CartState {
    lines = Map.copyOf(lines);
    // Snapshots taken before Idempotency-Keys existed have none.
    recentKeys = recentKeys == null ? RecentKeys.NONE : recentKeys;
  }

  public record Line(int quantity, long unitPriceCents) {}

  /** What a command leads to. */
  public sealed interface Decision {
    record Persist(CartEvent event) implements Decision {}

    record Reject(Rejection rejection) implements Decision {}

    /** Nothing to persist; reply with the cart as it is (reads, and no-op adjustments). */
    record Unchanged() implements Decision {}

    /** A repeat of a command persisted under the same Idempotency-Key: its original reply, nothing persisted. */
    record Repeat(CartReply.CartView original) implements Decision {}
  }

  public boolean isCheckedOut() {
    return checkedOutAt != null;
  }

  /**
   * Only persisted outcomes are remembered under their key: a refusal or a no-op persists nothing,
   * so a retry of it is decided afresh against the cart as it then is.
   */
  public Decision decide(String cartId, CartCommand command, Instant now) {
    String key = command.idempotencyKey();
    Optional<RecentKeys.Entry> seen = key == null ? Optional.empty() : recentKeys.find(key);
    if (seen.isPresent()) {
      if (!seen.get().request().equals(RecentKeys.Request.of(command))) {
        return reject(
            Rejection.unprocessable(
                "idempotency_key_reused",
                "Idempotency-Key " + key + " was used on cart " + cartId + " for another request; use a new key"));
      }
      return new Decision.Repeat(seen.get().reply());
    }
    if (isCheckedOut() && !(command instanceof CartCommand.Get)) {
      return reject(Rejection.conflict("checked_out", "cart " + cartId + " is checked out and can no longer change"));
    }
    return switch (command) {
      case CartCommand.AddItem add -> decideAdd(cartId, add, now);
      case CartCommand.AdjustItemQuantity adjust -> decideAdjust(cartId, adjust, now);
      case CartCommand.RemoveItem remove -> decideRemove(cartId, remove, now);
      case CartCommand.Checkout checkout -> decideCheckout(cartId, checkout, now);
      case CartCommand.Get get -> new Decision.Unchanged();
    };
  }

  private Decision decideAdd(String cartId, CartCommand.AddItem add, Instant now) {
    Optional<Rejection> invalid =
        CartRules.checkItemId(add.itemId())
            .or(() -> CartRules.checkQuantity(add.quantity()))
            .or(() -> CartRules.checkUnitPrice(add.unitPriceCents()));
    if (invalid.isPresent()) {
      return reject(invalid.get());
    }
    if (lines.containsKey(add.itemId())) {
      return reject(
          Rejection.conflict(
              "item_already_in_cart",
              "item " + add.itemId() + " is already in the cart; adjust its quantity instead"));
    }
    if (lines.size() >= CartRules.MAX_LINES) {
      return reject(Rejection.conflict("too_many_lines", "a cart holds at most " + CartRules.MAX_LINES + " lines"));
    }
    return persist(new ItemAdded(cartId, add.itemId(), add.quantity(), add.unitPriceCents(), now, add.idempotencyKey(), add.traceParent()));
  }

  private Decision decideAdjust(String cartId, CartCommand.AdjustItemQuantity adjust, Instant now) {
    Optional<Rejection> invalid =
        CartRules.checkItemId(adjust.itemId()).or(() -> CartRules.checkQuantity(adjust.quantity()));
    if (invalid.isPresent()) {
      return reject(invalid.get());
    }
    Line line = lines.get(adjust.itemId());
    if (line == null) {
      return reject(itemNotInCart(adjust.itemId()));
    }
    if (line.quantity() == adjust.quantity()) {
      return new Decision.Unchanged();
    }
    return persist(
        new ItemQuantityAdjusted(cartId, adjust.itemId(), line.quantity(), adjust.quantity(), now, adjust.idempotencyKey(), adjust.traceParent()));
  }

  private Decision decideRemove(String cartId, CartCommand.RemoveItem remove, Instant now) {
    Optional<Rejection> invalid = CartRules.checkItemId(remove.itemId());
    if (invalid.isPresent()) {
      return reject(invalid.get());
    }
    Line line = lines.get(remove.itemId());
    if (line == null) {
      return reject(itemNotInCart(remove.itemId()));
    }
    return persist(new ItemRemoved(cartId, remove.itemId(), line.quantity(), now, remove.idempotencyKey(), remove.traceParent()));
  }

  private Decision decideCheckout(String cartId, CartCommand.Checkout checkout, Instant now) {
    if (lines.isEmpty()) {
      return reject(Rejection.conflict("empty_cart", "an empty cart cannot be checked out"));
    }
    List<CheckedOutLine> checkedOut =
        new TreeMap<>(lines)
            .entrySet().stream()
                .map(e -> new CheckedOutLine(e.getKey(), e.getValue().quantity(), e.getValue().unitPriceCents()))
                .toList();
    return persist(new CheckedOut(cartId, checkedOut, totalQuantity(), totalCents(), now, checkout.idempotencyKey(), checkout.traceParent()));
  }

  /**
   * The state after an event. Events are facts: no validation here. An event's Idempotency-Key is
   * remembered with the reply its command got, which carries the event's sequence number.
   *
   * <p>That number is the larger of the one after ours and {@code reportedSeqNr} (Pekko's
   * lastSequenceNumber): Pekko reports the last recovered one, not the new event's, for the first
   * command after a recovery, and a snapshot taken before {@code seqNr} was recorded reads as 0.
   */
  public CartState apply(CartEvent event, long reportedSeqNr) {
    long eventSeqNr = Math.max(seqNr + 1, reportedSeqNr);
    CartState next =
        switch (event) {
          case ItemAdded e -> withLine(e.itemId(), new Line(e.quantity(), e.unitPriceCents()));
          case ItemQuantityAdjusted e ->
              withLine(e.itemId(), new Line(e.newQuantity(), lines.get(e.itemId()).unitPriceCents()));
          case ItemRemoved e -> withoutLine(e.itemId());
          case CheckedOut e -> new CartState(lines, e.at(), recentKeys, seqNr);
        };
    RecentKeys keys =
        event.idempotencyKey() == null
            ? recentKeys
            : recentKeys.remember(
                new RecentKeys.Entry(
                    event.idempotencyKey(), RecentKeys.Request.of(event), next.view(event.cartId(), eventSeqNr)));
    return new CartState(next.lines, next.checkedOutAt, keys, eventSeqNr);
  }

  public int totalQuantity() {
    return lines.values().stream().mapToInt(Line::quantity).sum();
  }

  public long totalCents() {
    return lines.values().stream().mapToLong(l -> l.quantity() * l.unitPriceCents()).sum();
  }

  public CartReply.CartView view(String cartId, long seqNr) {
    List<CartReply.LineView> lineViews =
        new TreeMap<>(lines)
            .entrySet().stream()
                .map(e -> new CartReply.LineView(e.getKey(), e.getValue().quantity(), e.getValue().unitPriceCents()))
                .toList();
    return new CartReply.CartView(
        cartId, isCheckedOut() ? "checked_out" : "open", lineViews, totalQuantity(), totalCents(), seqNr, checkedOutAt);
  }

  private CartState withLine(String itemId, Line line) {
    Map<String, Line> next = new TreeMap<>(lines);
    next.put(itemId, line);
    return new CartState(next, checkedOutAt, recentKeys, seqNr);
  }

  private CartState withoutLine(String itemId) {
    Map<String, Line> next = new TreeMap<>(lines);
    next.remove(itemId);
    return new CartState(next, checkedOutAt, recentKeys, seqNr);
  }

  private static Rejection itemNotInCart(String itemId) {
    return Rejection.notFound("item_not_in_cart", "item " + itemId + " is not in the cart");
  }

  private static Decision persist(CartEvent event) {
    return new Decision.Persist(event);
  }

  private static Decision reject(Rejection rejection) {
    return new Decision.Reject(rejection);
  }
}
