package io.readside.writeside;

import io.readside.events.CartEvent;
import io.readside.events.CartTags;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The shopping cart entity: persists what {@link CartState#decide} says, tags every event with its
 * slice, and replies. All domain decisions live in the state.
 */
public final class ShoppingCart
    extends EventSourcedBehaviorWithEnforcedReplies<CartCommand, CartEvent, CartState> {

  public static final EntityTypeKey<CartCommand> ENTITY_KEY =
      EntityTypeKey.create(CartCommand.class, "ShoppingCart");

  private final String cartId;
  private final Set<String> tags;
  private final ActorContext<CartCommand> context;
  private final Clock clock;

  private ShoppingCart(ActorContext<CartCommand> context, String cartId, int slices, Clock clock) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), cartId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.context = context;
    this.cartId = cartId;
    this.tags = Set.of(CartTags.tagOf(cartId, slices));
    this.clock = clock;
  }

  public static Behavior<CartCommand> create(String cartId, int slices) {
    return create(cartId, slices, Clock.systemUTC());
  }

  public static Behavior<CartCommand> create(String cartId, int slices, Clock clock) {
    return Behaviors.setup(context -> new ShoppingCart(context, cartId, slices, clock));
  }

  @Override
  public CartState emptyState() {
    return CartState.EMPTY;
  }

  @Override
  public CommandHandlerWithReply<CartCommand, CartEvent, CartState> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState().onAnyCommand(this::handle);
  }

  private ReplyEffect<CartEvent, CartState> handle(CartState state, CartCommand command) {
    return switch (state.decide(cartId, command, clock.instant())) {
      case CartState.Decision.Persist p ->
          Effect().persist(p.event()).thenReply(command.replyTo(), this::accepted);
      case CartState.Decision.Reject r ->
          Effect().reply(command.replyTo(), new CartReply.Rejected(r.rejection()));
      case CartState.Decision.Unchanged u -> Effect().reply(command.replyTo(), accepted(state));
    };
  }

  private CartReply accepted(CartState state) {
    return new CartReply.Accepted(state.view(cartId, lastSequenceNumber(context)));
  }

  @Override
  public EventHandler<CartState, CartEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(CartState::apply);
  }

  @Override
  public Set<String> tagsFor(CartEvent event) {
    return tags;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }
}
