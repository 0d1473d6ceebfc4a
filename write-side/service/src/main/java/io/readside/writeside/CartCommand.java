package io.readside.writeside;

import io.readside.events.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a client may ask of a cart. Every command gets exactly one {@link CartReply}. A write may
 * carry the client's Idempotency-Key (null without one): a repeat of a command the cart persisted
 * under that key answers the original outcome and persists nothing.
 */
public sealed interface CartCommand extends CborSerializable {
  ActorRef<CartReply> replyTo();

  default String idempotencyKey() {
    return null;
  }

  record AddItem(String itemId, int quantity, long unitPriceCents, String idempotencyKey, ActorRef<CartReply> replyTo)
      implements CartCommand {
    public AddItem(String itemId, int quantity, long unitPriceCents, ActorRef<CartReply> replyTo) {
      this(itemId, quantity, unitPriceCents, null, replyTo);
    }
  }

  record AdjustItemQuantity(String itemId, int quantity, String idempotencyKey, ActorRef<CartReply> replyTo)
      implements CartCommand {
    public AdjustItemQuantity(String itemId, int quantity, ActorRef<CartReply> replyTo) {
      this(itemId, quantity, null, replyTo);
    }
  }

  record RemoveItem(String itemId, String idempotencyKey, ActorRef<CartReply> replyTo) implements CartCommand {
    public RemoveItem(String itemId, ActorRef<CartReply> replyTo) {
      this(itemId, null, replyTo);
    }
  }

  record Checkout(String idempotencyKey, ActorRef<CartReply> replyTo) implements CartCommand {
    public Checkout(ActorRef<CartReply> replyTo) {
      this(null, replyTo);
    }
  }

  record Get(ActorRef<CartReply> replyTo) implements CartCommand {}
}
