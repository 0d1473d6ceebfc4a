package io.readside.writeside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.readside.events.CartEvent;
import io.readside.writeside.CartState.Decision;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CartStateTest {
  private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

  private static Decision decide(CartState state, CartCommand command) {
    return state.decide("cart-1", command, NOW);
  }

  private static CartState stateAfter(CartEvent... events) {
    CartState state = CartState.EMPTY;
    long seqNr = 0;
    for (CartEvent e : events) {
      state = state.apply(e, ++seqNr);
    }
    return state;
  }

  /** Decides a command and, if it persists, applies its event as the next sequence number. */
  private static CartState after(CartState state, long seqNr, CartCommand command) {
    return state.apply(assertInstanceOf(Decision.Persist.class, decide(state, command)).event(), seqNr);
  }

  private static String rejectionCode(Decision decision) {
    return assertInstanceOf(Decision.Reject.class, decision).rejection().code();
  }

  @Test
  void addingAnItemYieldsItemAdded() {
    Decision d = decide(CartState.EMPTY, new CartCommand.AddItem("sku-1", 2, 150, null));
    assertEquals(
        new CartEvent.ItemAdded("cart-1", "sku-1", 2, 150, NOW), assertInstanceOf(Decision.Persist.class, d).event());
  }

  @Test
  void itemIdsQuantitiesAndPricesOutsideTheirRangesAreRejected() {
    assertEquals("invalid_itemId", rejectionCode(decide(CartState.EMPTY, new CartCommand.AddItem("", 1, 1, null))));
    assertEquals("invalid_itemId", rejectionCode(decide(CartState.EMPTY, new CartCommand.AddItem("a b", 1, 1, null))));
    assertEquals(
        "invalid_itemId", rejectionCode(decide(CartState.EMPTY, new CartCommand.AddItem("x".repeat(65), 1, 1, null))));
    assertInstanceOf(Decision.Persist.class, decide(CartState.EMPTY, new CartCommand.AddItem("x".repeat(64), 1, 0, null)));
    assertEquals("invalid_quantity", rejectionCode(decide(CartState.EMPTY, new CartCommand.AddItem("a", 0, 1, null))));
    assertEquals("invalid_quantity", rejectionCode(decide(CartState.EMPTY, new CartCommand.AddItem("a", 1001, 1, null))));
    assertEquals("invalid_price", rejectionCode(decide(CartState.EMPTY, new CartCommand.AddItem("a", 1, -1, null))));
    assertEquals(
        "invalid_price", rejectionCode(decide(CartState.EMPTY, new CartCommand.AddItem("a", 1, 100_000_001, null))));
  }

  @Test
  void addingAnItemAlreadyInTheCartIsRejected() {
    CartState state = stateAfter(new CartEvent.ItemAdded("cart-1", "a", 1, 10, NOW));
    assertEquals("item_already_in_cart", rejectionCode(decide(state, new CartCommand.AddItem("a", 2, 10, null))));
  }

  @Test
  void aCartHoldsAtMostOneHundredLines() {
    CartState state = CartState.EMPTY;
    for (int i = 0; i < 100; i++) {
      state = state.apply(new CartEvent.ItemAdded("cart-1", "item-" + i, 1, 10, NOW), i + 1);
    }
    assertEquals("too_many_lines", rejectionCode(decide(state, new CartCommand.AddItem("one-more", 1, 10, null))));
  }

  @Test
  void adjustingAndRemovingCarryTheOldQuantity() {
    CartState state = stateAfter(new CartEvent.ItemAdded("cart-1", "a", 3, 10, NOW));
    assertEquals(
        new CartEvent.ItemQuantityAdjusted("cart-1", "a", 3, 5, NOW),
        assertInstanceOf(Decision.Persist.class, decide(state, new CartCommand.AdjustItemQuantity("a", 5, null))).event());
    assertEquals(
        new CartEvent.ItemRemoved("cart-1", "a", 3, NOW),
        assertInstanceOf(Decision.Persist.class, decide(state, new CartCommand.RemoveItem("a", null))).event());
    assertInstanceOf(Decision.Unchanged.class, decide(state, new CartCommand.AdjustItemQuantity("a", 3, null)));
  }

  @Test
  void adjustingOrRemovingAnItemNotInTheCartIsNotFound() {
    assertEquals("item_not_in_cart", rejectionCode(decide(CartState.EMPTY, new CartCommand.AdjustItemQuantity("a", 2, null))));
    assertEquals("item_not_in_cart", rejectionCode(decide(CartState.EMPTY, new CartCommand.RemoveItem("a", null))));
  }

  @Test
  void checkoutCarriesLinesAndTotalsAndNeedsALine() {
    assertEquals("empty_cart", rejectionCode(decide(CartState.EMPTY, new CartCommand.Checkout(null))));
    CartState state =
        stateAfter(new CartEvent.ItemAdded("cart-1", "b", 2, 250, NOW), new CartEvent.ItemAdded("cart-1", "a", 1, 100, NOW));
    CartEvent event = assertInstanceOf(Decision.Persist.class, decide(state, new CartCommand.Checkout(null))).event();
    assertEquals(
        new CartEvent.CheckedOut(
            "cart-1",
            List.of(new CartEvent.CheckedOutLine("a", 1, 100), new CartEvent.CheckedOutLine("b", 2, 250)),
            3,
            600,
            NOW),
        event);
  }

  @Test
  void nothingChangesAfterCheckoutButTheCartCanStillBeRead() {
    CartState state =
        stateAfter(
            new CartEvent.ItemAdded("cart-1", "a", 1, 100, NOW),
            new CartEvent.CheckedOut("cart-1", List.of(new CartEvent.CheckedOutLine("a", 1, 100)), 1, 100, NOW));
    assertEquals("checked_out", rejectionCode(decide(state, new CartCommand.AddItem("b", 1, 1, null))));
    assertEquals("checked_out", rejectionCode(decide(state, new CartCommand.AdjustItemQuantity("a", 2, null))));
    assertEquals("checked_out", rejectionCode(decide(state, new CartCommand.RemoveItem("a", null))));
    assertEquals("checked_out", rejectionCode(decide(state, new CartCommand.Checkout(null))));
    assertInstanceOf(Decision.Unchanged.class, decide(state, new CartCommand.Get(null)));
    assertEquals("checked_out", state.view("cart-1", 2).status());
  }

  @Test
  void aKeyedCommandsEventCarriesItsKeyAndARepeatAnswersTheOriginalReplyWithoutPersisting() {
    CartState state = after(CartState.EMPTY, 1, new CartCommand.AddItem("a", 2, 150, "k-1", null));
    CartReply.CartView original = state.view("cart-1", 1);
    state = after(state, 2, new CartCommand.AddItem("b", 1, 10, "k-2", null));

    Decision repeat = decide(state, new CartCommand.AddItem("a", 2, 150, "k-1", null));
    assertEquals(original, assertInstanceOf(Decision.Repeat.class, repeat).original());
    assertEquals(1, ((Decision.Repeat) repeat).original().seqNr());
    // Without the key the same add is a conflict: the item is in the cart.
    assertEquals("item_already_in_cart", rejectionCode(decide(state, new CartCommand.AddItem("a", 2, 150, null))));
    assertEquals(
        "k-2",
        assertInstanceOf(Decision.Persist.class, decide(CartState.EMPTY, new CartCommand.AddItem("b", 1, 10, "k-2", null)))
            .event().idempotencyKey());
  }

  @Test
  void aRepeatedCheckoutAnswersTheOriginalCheckoutNotCheckedOut() {
    CartState state = after(CartState.EMPTY, 1, new CartCommand.AddItem("a", 1, 100, null));
    state = after(state, 2, new CartCommand.Checkout("k-checkout", null));
    CartReply.CartView repeat =
        assertInstanceOf(Decision.Repeat.class, decide(state, new CartCommand.Checkout("k-checkout", null))).original();
    assertEquals("checked_out", repeat.status());
    assertEquals(2, repeat.seqNr());
    assertEquals("checked_out", rejectionCode(decide(state, new CartCommand.Checkout("k-other", null))));
  }

  @Test
  void aKeyReusedForAnotherRequestIsRefused() {
    CartState state = after(CartState.EMPTY, 1, new CartCommand.AddItem("a", 2, 150, "k-1", null));
    assertEquals("idempotency_key_reused", rejectionCode(decide(state, new CartCommand.AddItem("a", 3, 150, "k-1", null))));
    assertEquals("idempotency_key_reused", rejectionCode(decide(state, new CartCommand.RemoveItem("a", "k-1", null))));
    assertEquals(
        Rejection.Kind.UNPROCESSABLE,
        assertInstanceOf(Decision.Reject.class, decide(state, new CartCommand.Checkout("k-1", null))).rejection().kind());
  }

  @Test
  void refusalsAndNoOpsAreNotRememberedSoARetryIsDecidedAfresh() {
    CartState state = after(CartState.EMPTY, 1, new CartCommand.AddItem("a", 2, 150, null));
    assertEquals("item_not_in_cart", rejectionCode(decide(state, new CartCommand.RemoveItem("b", "k-1", null))));
    assertInstanceOf(Decision.Unchanged.class, decide(state, new CartCommand.AdjustItemQuantity("a", 2, "k-2", null)));
    assertEquals(0, state.recentKeys().entries().size());
    // The cart changed in between: the retried keys now persist.
    state = after(state, 2, new CartCommand.AddItem("b", 1, 10, null));
    assertInstanceOf(Decision.Persist.class, decide(state, new CartCommand.RemoveItem("b", "k-1", null)));
    assertInstanceOf(Decision.Persist.class, decide(state, new CartCommand.AdjustItemQuantity("a", 5, "k-2", null)));
  }

  @Test
  void theNewestHundredKeysAreRemembered() {
    int commands = RecentKeys.CAPACITY + 5;
    CartState state = after(CartState.EMPTY, 1, new CartCommand.AddItem("a", 1, 10, "k-1", null));
    for (int i = 2; i <= commands; i++) {
      state = after(state, i, new CartCommand.AdjustItemQuantity("a", i, "k-" + i, null));
    }
    assertEquals(RecentKeys.CAPACITY, state.recentKeys().entries().size());
    // k-1 .. k-5 are forgotten: a retry of k-5 (set a to 5) is decided afresh and persists again.
    assertInstanceOf(Decision.Persist.class, decide(state, new CartCommand.AdjustItemQuantity("a", 5, "k-5", null)));
    CartReply.CartView k6 =
        assertInstanceOf(Decision.Repeat.class, decide(state, new CartCommand.AdjustItemQuantity("a", 6, "k-6", null)))
            .original();
    assertEquals(6, k6.seqNr());
    assertEquals(6, k6.lines().get(0).quantity());
  }

  @Test
  void aRememberedReplyCarriesTheEventsSequenceNumberEvenWhenPekkoReportsTheRecoveredOne() {
    CartState recovered = stateAfter(new CartEvent.ItemAdded("cart-1", "a", 1, 10, NOW));
    // The first command after a recovery: Pekko reports 1 (the recovered event), the new one is 2.
    CartState state = recovered.apply(new CartEvent.ItemAdded("cart-1", "b", 1, 10, NOW, "k-1"), 1);
    assertEquals(2, state.recentKeys().find("k-1").orElseThrow().reply().seqNr());
    // A snapshot from before seqNr was kept reads 0; the reported number is right then.
    CartState oldSnapshot = new CartState(recovered.lines(), null, null, 0);
    state = oldSnapshot.apply(new CartEvent.ItemAdded("cart-1", "b", 1, 10, NOW, "k-1"), 101);
    assertEquals(101, state.recentKeys().find("k-1").orElseThrow().reply().seqNr());
  }
}
