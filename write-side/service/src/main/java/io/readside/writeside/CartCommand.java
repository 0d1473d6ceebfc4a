package io.readside.writeside;

import io.readside.events.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/** What a client may ask of a cart. Every command gets exactly one {@link CartReply}. */
public sealed interface CartCommand extends CborSerializable {
  ActorRef<CartReply> replyTo();

  record AddItem(String itemId, int quantity, long unitPriceCents, ActorRef<CartReply> replyTo)
      implements CartCommand {}

  record AdjustItemQuantity(String itemId, int quantity, ActorRef<CartReply> replyTo)
      implements CartCommand {}

  record RemoveItem(String itemId, ActorRef<CartReply> replyTo) implements CartCommand {}

  record Checkout(ActorRef<CartReply> replyTo) implements CartCommand {}

  record Get(ActorRef<CartReply> replyTo) implements CartCommand {}
}
