package io.readside.writeside;

import io.readside.events.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a client may ask of a cart. Every command gets exactly one {@link CartReply}. A write may
 * carry the client's Idempotency-Key (null without one): a repeat of a command the cart persisted
 * under that key answers the original outcome and persists nothing. A write also carries the W3C
 * traceparent of its persist span (null with tracing off), which its event keeps (issue 14).
 */
public sealed interface CartCommand extends CborSerializable {
  ActorRef<CartReply> replyTo();

  default String idempotencyKey() {
    return null;
  }

  default String traceParent() {
    return null;
  }

  record AddItem(
      String itemId, int quantity, long unitPriceCents, String idempotencyKey, ActorRef<CartReply> replyTo, String traceParent)
      implements CartCommand {
    public AddItem(String itemId, int quantity, long unitPriceCents, ActorRef<CartReply> replyTo) {
      this(itemId, quantity, unitPriceCents, null, replyTo);
    }

    public AddItem(String itemId, int quantity, long unitPriceCents, String idempotencyKey, ActorRef<CartReply> replyTo) {
      this(itemId, quantity, unitPriceCents, idempotencyKey, replyTo, null);
    }
  }

  record AdjustItemQuantity(
      String itemId, int quantity, String idempotencyKey, ActorRef<CartReply> replyTo, String traceParent)
      implements CartCommand {
    public AdjustItemQuantity(String itemId, int quantity, ActorRef<CartReply> replyTo) {
      this(itemId, quantity, null, replyTo);
    }

    public AdjustItemQuantity(String itemId, int quantity, String idempotencyKey, ActorRef<CartReply> replyTo) {
      this(itemId, quantity, idempotencyKey, replyTo, null);
    }
  }

  record RemoveItem(String itemId, String idempotencyKey, ActorRef<CartReply> replyTo, String traceParent)
      implements CartCommand {
    public RemoveItem(String itemId, ActorRef<CartReply> replyTo) {
      this(itemId, null, replyTo);
    }

    public RemoveItem(String itemId, String idempotencyKey, ActorRef<CartReply> replyTo) {
      this(itemId, idempotencyKey, replyTo, null);
    }
  }

  record Checkout(String idempotencyKey, ActorRef<CartReply> replyTo, String traceParent) implements CartCommand {
    public Checkout(ActorRef<CartReply> replyTo) {
      this(null, replyTo);
    }

    public Checkout(String idempotencyKey, ActorRef<CartReply> replyTo) {
      this(idempotencyKey, replyTo, null);
    }
  }

  record Get(ActorRef<CartReply> replyTo) implements CartCommand {}
}
