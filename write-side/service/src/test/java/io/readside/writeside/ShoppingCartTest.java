package io.readside.writeside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.readside.events.CartEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShoppingCartTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          EventSourcedBehaviorTestKit.config()
              .withFallback(PersistenceTestKitPlugin.getInstance().config())
              .withFallback(ConfigFactory.load()));

  private static final Instant T0 = Instant.parse("2026-03-01T09:30:00Z");

  private EventSourcedBehaviorTestKit<CartCommand, CartEvent, CartState> cart;
  private SettableClock clock;

  @BeforeEach
  void freshCart() {
    clock = new SettableClock(T0);
    cart = EventSourcedBehaviorTestKit.create(testKit.system(), ShoppingCart.create("cart-7", 8, clock));
    cart.clear();
  }

  /** A clock the test sets: every event's time is known exactly. */
  private static final class SettableClock extends Clock {
    private volatile Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void acceptedCommandsPersistOneEventAndReplyWithTheCartAndItsSeqNr() {
    CommandResultWithReply<CartCommand, CartEvent, CartState, CartReply> added =
        cart.<CartReply>runCommand(replyTo -> new CartCommand.AddItem("sku-1", 2, 300, replyTo));
    assertEquals(new CartEvent.ItemAdded("cart-7", "sku-1", 2, 300, T0), added.event());
    CartReply.CartView view = assertInstanceOf(CartReply.Accepted.class, added.reply()).cart();
    assertEquals(1, view.seqNr());
    assertEquals(600, view.totalCents());
    assertEquals(null, view.checkedOutAt());

    clock.advance(Duration.ofMinutes(1));
    var adjusted = cart.<CartReply>runCommand(replyTo -> new CartCommand.AdjustItemQuantity("sku-1", 3, replyTo));
    assertEquals(new CartEvent.ItemQuantityAdjusted("cart-7", "sku-1", 2, 3, T0.plusSeconds(60)), adjusted.event());
    assertEquals(2, assertInstanceOf(CartReply.Accepted.class, adjusted.reply()).cart().seqNr());

    clock.advance(Duration.ofMillis(1500));
    Instant checkoutTime = T0.plusSeconds(60).plusMillis(1500);
    var checkedOut = cart.<CartReply>runCommand(replyTo -> new CartCommand.Checkout(replyTo));
    assertEquals(
        new CartEvent.CheckedOut("cart-7", List.of(new CartEvent.CheckedOutLine("sku-1", 3, 300)), 3, 900, checkoutTime),
        checkedOut.event());
    CartReply.CartView done = assertInstanceOf(CartReply.Accepted.class, checkedOut.reply()).cart();
    assertEquals("checked_out", done.status());
    assertEquals(checkoutTime, done.checkedOutAt());

    // The time is the event's, not the clock's at recovery.
    clock.advance(Duration.ofDays(3));
    cart.restart();
    assertEquals(checkoutTime, cart.getState().checkedOutAt());
    CartReply.CartView read = assertInstanceOf(CartReply.Accepted.class, cart.runCommand(CartCommand.Get::new).reply()).cart();
    assertEquals(checkoutTime, read.checkedOutAt());
  }

  @Test
  void aRemovedItemIsStampedWithTheClock() {
    cart.<CartReply>runCommand(replyTo -> new CartCommand.AddItem("sku-1", 2, 300, replyTo));
    clock.advance(Duration.ofSeconds(42));
    var removed = cart.<CartReply>runCommand(replyTo -> new CartCommand.RemoveItem("sku-1", replyTo));
    assertEquals(new CartEvent.ItemRemoved("cart-7", "sku-1", 2, T0.plusSeconds(42)), removed.event());
  }

  @Test
  void eachWriteKeepsItsCommandsTraceContextInItsEvent() {
    String trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    var added = cart.<CartReply>runCommand(replyTo -> new CartCommand.AddItem("sku-1", 2, 300, null, replyTo, trace));
    assertEquals(trace, added.event().traceParent());
    var adjusted = cart.<CartReply>runCommand(replyTo -> new CartCommand.AdjustItemQuantity("sku-1", 3, null, replyTo, trace));
    assertEquals(trace, adjusted.event().traceParent());
    var checkedOut = cart.<CartReply>runCommand(replyTo -> new CartCommand.Checkout(null, replyTo, trace));
    assertEquals(trace, checkedOut.event().traceParent());
  }

  @Test
  void rejectedCommandsPersistNothingAndSayWhy() {
    var result = cart.<CartReply>runCommand(replyTo -> new CartCommand.RemoveItem("missing", replyTo));
    assertTrue(result.hasNoEvents());
    Rejection rejection = assertInstanceOf(CartReply.Rejected.class, result.reply()).rejection();
    assertEquals(Rejection.Kind.NOT_FOUND, rejection.kind());
    assertEquals("item_not_in_cart", rejection.code());
  }

  @Test
  void readingAnUnknownCartAnswersSeqNrZero() {
    var result = cart.runCommand(CartCommand.Get::new);
    assertTrue(result.hasNoEvents());
    assertEquals(0, assertInstanceOf(CartReply.Accepted.class, result.reply()).cart().seqNr());
  }

  @Test
  void stateSurvivesARestartFromTheJournal() {
    cart.<CartReply>runCommand(replyTo -> new CartCommand.AddItem("sku-1", 1, 100, replyTo));
    cart.<CartReply>runCommand(replyTo -> new CartCommand.AddItem("sku-2", 2, 100, replyTo));
    cart.restart();
    assertEquals(300, cart.getState().totalCents());
  }

  @Test
  void aSnapshotIsTakenEveryHundredEvents() {
    for (int i = 0; i < 50; i++) {
      int item = i;
      cart.<CartReply>runCommand(replyTo -> new CartCommand.AddItem("sku-" + item, 1, 10, replyTo));
      cart.<CartReply>runCommand(replyTo -> new CartCommand.AdjustItemQuantity("sku-" + item, 2, replyTo));
    }
    var snapshots = SnapshotTestKit.create(testKit.system()).persistedInStorage("ShoppingCart|cart-7");
    assertEquals(1, snapshots.size());
    assertEquals(100, snapshots.get(0).first().sequenceNr());
    assertEquals(1000, ((CartState) snapshots.get(0).second()).totalCents());
  }

  @Test
  void aRetryWithTheSameKeyAnswersTheOriginalReplyAndPersistsNothingAlsoAfterARestart() {
    var first = cart.<CartReply>runCommand(replyTo -> new CartCommand.AddItem("sku-1", 2, 300, "key-1", replyTo));
    assertEquals("key-1", first.event().idempotencyKey());
    cart.<CartReply>runCommand(replyTo -> new CartCommand.AddItem("sku-2", 1, 100, "key-2", replyTo));

    var retry = cart.<CartReply>runCommand(replyTo -> new CartCommand.AddItem("sku-1", 2, 300, "key-1", replyTo));
    assertTrue(retry.hasNoEvents());
    assertEquals(first.reply(), retry.reply());
    assertEquals(1, assertInstanceOf(CartReply.Accepted.class, retry.reply()).cart().seqNr());

    cart.restart();
    var third = cart.<CartReply>runCommand(replyTo -> new CartCommand.AddItem("sku-3", 1, 100, "key-3", replyTo));
    var afterRestart = cart.<CartReply>runCommand(replyTo -> new CartCommand.AddItem("sku-1", 2, 300, "key-1", replyTo));
    assertTrue(afterRestart.hasNoEvents());
    assertEquals(first.reply(), afterRestart.reply());
    // The first command after a recovery is remembered under its own sequence number too.
    var thirdAgain = cart.<CartReply>runCommand(replyTo -> new CartCommand.AddItem("sku-3", 1, 100, "key-3", replyTo));
    assertEquals(third.reply(), thirdAgain.reply());
    assertEquals(3, assertInstanceOf(CartReply.Accepted.class, thirdAgain.reply()).cart().seqNr());
  }

  @Test
  void theNewestHundredKeysSurviveRecoveryFromASnapshotAndLaterEvents() {
    int commands = 120;
    cart.<CartReply>runCommand(replyTo -> new CartCommand.AddItem("sku-1", 1, 10, "key-1", replyTo));
    for (int i = 2; i <= commands; i++) {
      int quantity = i;
      cart.<CartReply>runCommand(replyTo -> new CartCommand.AdjustItemQuantity("sku-1", quantity, "key-" + quantity, replyTo));
    }
    var snapshots = SnapshotTestKit.create(testKit.system()).persistedInStorage("ShoppingCart|cart-7");
    assertEquals(100, snapshots.get(0).first().sequenceNr());
    assertEquals(RecentKeys.CAPACITY, ((CartState) snapshots.get(0).second()).recentKeys().entries().size());

    cart.restart();
    // The snapshot at 100 brings key-1 .. key-100, events 101 .. 120 the rest; key-1 .. key-20 fell out.
    assertEquals(RecentKeys.CAPACITY, cart.getState().recentKeys().entries().size());
    for (int quantity : new int[] {21, 50, 100, 120}) {
      var retry = cart.<CartReply>runCommand(replyTo -> new CartCommand.AdjustItemQuantity("sku-1", quantity, "key-" + quantity, replyTo));
      assertTrue(retry.hasNoEvents(), "key-" + quantity);
      CartReply.CartView original = assertInstanceOf(CartReply.Accepted.class, retry.reply()).cart();
      assertEquals(quantity, original.seqNr());
      assertEquals(quantity, original.lines().get(0).quantity());
    }
    var forgotten = cart.<CartReply>runCommand(replyTo -> new CartCommand.AdjustItemQuantity("sku-1", 20, "key-20", replyTo));
    assertEquals(commands + 1, assertInstanceOf(CartReply.Accepted.class, forgotten.reply()).cart().seqNr());
  }
}
