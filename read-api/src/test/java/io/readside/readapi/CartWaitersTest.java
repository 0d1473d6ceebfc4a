package io.readside.readapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.readside.readapi.CartWaiters.Outcome;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CartWaitersTest {
  private final Map<String, Long> readModel = new HashMap<>();
  private final List<Set<String>> queries = new ArrayList<>();
  private final long later = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);

  private CartWaiters waiters(int max) {
    return new CartWaiters(carts -> {
      queries.add(Set.copyOf(carts));
      Map<String, Long> rows = new HashMap<>(readModel);
      rows.keySet().retainAll(carts);
      return rows;
    }, max);
  }

  @Test
  void onePollIsOneQueryForEveryWaitingCart() {
    CartWaiters waiters = waiters(100);
    List<CompletionStage<Outcome>> outcomes = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      outcomes.add(waiters.await("cart-" + (i % 20), 5, 1, later));
    }
    waiters.poll();
    assertEquals(1, queries.size());
    assertEquals(20, queries.get(0).size());

    readModel.put("cart-3", 5L);
    readModel.put("cart-4", 4L);
    waiters.poll();
    assertEquals(2, queries.size());
    for (int i = 0; i < 60; i++) {
      boolean reached = i % 20 == 3;
      assertEquals(reached, outcomes.get(i).toCompletableFuture().isDone(), "waiter " + i);
      if (reached) {
        assertEquals(new Outcome.Reached(), outcomes.get(i).toCompletableFuture().join());
      }
    }
    assertEquals(57, waiters.waiting());
  }

  /** A rebuild deletes a slice's rows and replays them: an earlier poll's sequence number is no longer there. */
  @Test
  void aWaitDoesNotEndOnASequenceNumberThatARebuildRemoved() {
    CartWaiters waiters = waiters(10);
    CompletionStage<Outcome> before = waiters.await("c", 2, 1, later);
    readModel.put("c", 2L);
    waiters.poll();
    assertEquals(new Outcome.Reached(), before.toCompletableFuture().join());

    readModel.remove("c");
    CompletionStage<Outcome> during = waiters.await("c", 2, 0, later);
    waiters.poll();
    assertFalse(during.toCompletableFuture().isDone(), "the rebuilt cart has not been replayed yet");
    readModel.put("c", 2L);
    waiters.poll();
    assertEquals(new Outcome.Reached(), during.toCompletableFuture().join());
  }

  @Test
  void noWaitersNoQuery() {
    waiters(10).poll();
    assertEquals(0, queries.size());
  }

  @Test
  void beyondTheCapAReadIsRefusedWithoutAQueryAndAnsweredWaitersFreeTheirPlace() {
    CartWaiters waiters = waiters(2);
    CompletionStage<Outcome> first = waiters.await("a", 2, 1, later);
    waiters.await("b", 2, 1, later);
    assertEquals(new Outcome.Refused(2), waiters.await("c", 2, 1, later).toCompletableFuture().join());
    assertEquals(0, queries.size());

    readModel.put("a", 2L);
    waiters.poll();
    assertEquals(new Outcome.Reached(), first.toCompletableFuture().join());
    assertFalse(waiters.await("c", 2, 1, later).toCompletableFuture().isDone());
  }

  @Test
  void aWaiterPastItsDeadlineGetsWhatTheReadModelHasApplied() {
    CartWaiters waiters = waiters(10);
    CompletionStage<Outcome> late = waiters.await("a", 9, 2, System.nanoTime() - 1);
    CompletionStage<Outcome> unknown = waiters.await("new-cart", 1, 0, System.nanoTime() - 1);
    readModel.put("a", 4L);
    waiters.poll();
    assertEquals(new Outcome.TimedOut(4), late.toCompletableFuture().join());
    assertEquals(new Outcome.TimedOut(0), unknown.toCompletableFuture().join());
    assertEquals(0, waiters.waiting());
  }

  @Test
  void aFailedPollLeavesWaitersWaitingUntilTheirDeadline() {
    CartWaiters waiters = new CartWaiters(carts -> {
      throw new SQLException("database down");
    }, 10);
    CompletionStage<Outcome> waiting = waiters.await("a", 3, 1, later);
    CompletionStage<Outcome> late = waiters.await("b", 3, 2, System.nanoTime() - 1);
    waiters.poll();
    assertFalse(waiting.toCompletableFuture().isDone());
    assertEquals(new Outcome.TimedOut(2), late.toCompletableFuture().join());
  }
}
