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
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.event.Level;

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
  private final JournalOutageLog outageLog;

  private ShoppingCart(ActorContext<CartCommand> context, String cartId, int slices, Clock clock) {
    // A failed recovery or write (the journal is down) restarts the cart, which recovers again;
    // at most 1 s apart, so a cart is back within about a second of the journal. Each failure
    // is logged at DEBUG: JournalOutageLog says once per node when the journal goes and comes back.
    super(
        PersistenceId.of(ENTITY_KEY.name(), cartId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.2)
            .withLogLevel(Level.DEBUG));
    this.context = context;
    this.outageLog = JournalOutageLog.get(context.getSystem());
    this.cartId = cartId;
    this.tags = Set.of(CartTags.tagOf(cartId, slices));
    this.clock = clock;
  }

  /** The journal's persistence_id of a cart's events ("ShoppingCart|" + id). */
  public static String persistenceIdOf(String cartId) {
    return PersistenceId.of(ENTITY_KEY.name(), cartId).id();
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
          Effect().persist(p.event()).thenRun(s -> outageLog.reached()).thenReply(command.replyTo(), this::accepted);
      case CartState.Decision.Reject r ->
          Effect().reply(command.replyTo(), new CartReply.Rejected(r.rejection()));
      case CartState.Decision.Unchanged u -> Effect().reply(command.replyTo(), accepted(state));
      case CartState.Decision.Repeat r -> Effect().reply(command.replyTo(), new CartReply.Accepted(r.original()));
    };
  }

  private CartReply accepted(CartState state) {
    return new CartReply.Accepted(state.view(cartId, lastSequenceNumber(context)));
  }

  @Override
  public EventHandler<CartState, CartEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent((state, event) -> state.apply(event, lastSequenceNumber(context)));
  }

  @Override
  public SignalHandler<CartState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> outageLog.reached())
        .onSignal(RecoveryFailed.class, (state, failed) -> outageLog.failed(failed.getFailure()))
        .build();
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
