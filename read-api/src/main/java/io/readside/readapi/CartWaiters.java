package io.readside.readapi;

import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads waiting for the projection to apply a cart's sequence number, at most {@code maxWaiting}
 * at once. One poller serves them all: each {@link #poll()} runs one query for every waiting cart,
 * so waiting costs one query per poll interval however many reads wait.
 */
final class CartWaiters {
  private static final Logger log = LoggerFactory.getLogger(CartWaiters.class);

  /** How a wait ended. */
  sealed interface Outcome {
    /** The read model has applied the asked-for sequence number: read the cart. */
    record Reached() implements Outcome {}

    /** The deadline passed first; {@code appliedSeqNr} is what the read model had then. */
    record TimedOut(long appliedSeqNr) implements Outcome {}

    /** {@code maxWaiting} reads were already waiting; nothing was queried. */
    record Refused(int maxWaiting) implements Outcome {}
  }

  @FunctionalInterface
  interface AppliedSeqNrs {
    /** The applied sequence number of each of these carts that has a row. */
    Map<String, Long> of(Set<String> cartIds) throws SQLException;
  }

  private record Waiter(String cartId, long minSeqNr, long appliedAtStart, long deadlineNanos, CompletableFuture<Outcome> outcome) {}

  private final AppliedSeqNrs applied;
  private final int maxWaiting;
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicInteger pollRequests = new AtomicInteger();
  private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
  private boolean failing;

  CartWaiters(AppliedSeqNrs applied, int maxWaiting) {
    this.applied = applied;
    this.maxWaiting = maxWaiting;
  }

  /** Waits for {@code minSeqNr} of a cart whose read model had applied {@code appliedSeqNr}. */
  CompletionStage<Outcome> await(String cartId, long minSeqNr, long appliedSeqNr, long deadlineNanos) {
    if (waiting.incrementAndGet() > maxWaiting) {
      waiting.decrementAndGet();
      return CompletableFuture.completedFuture(new Outcome.Refused(maxWaiting));
    }
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    outcome.whenComplete((o, e) -> waiting.decrementAndGet());
    waiters.add(new Waiter(cartId, minSeqNr, appliedSeqNr, deadlineNanos, outcome));
    return outcome;
  }

  int waiting() {
    return waiting.get();
  }

  /**
   * Polls soon on {@code executor}: at once unless a poll runs, and then once more after it, so
   * polls never overlap and a request during one is not lost. The periodic poll and the
   * cart-summary notification (a projection committed) both come through here.
   */
  void pollSoon(Executor executor) {
    if (pollRequests.getAndIncrement() == 0) {
      executor.execute(this::drainPollRequests);
    }
  }

  private void drainPollRequests() {
    int seen;
    do {
      seen = pollRequests.get();
      poll();
    } while (pollRequests.addAndGet(-seen) > 0);
  }

  /**
   * One round: one query for all waiting carts, then answers every waiter whose sequence number
   * is applied or whose deadline has passed. Runs on one thread at a time (through {@link #pollSoon}).
   */
  void poll() {
    if (waiters.isEmpty()) {
      return;
    }
    Set<String> carts = waiters.stream().map(Waiter::cartId).collect(Collectors.toSet());
    // What the read model has now, not the most it ever had: a rebuild deletes a slice's rows and
    // replays them, and a wait must not end on a sequence number that is no longer there.
    Map<String, Long> seen = null;
    try {
      seen = applied.of(carts);
      failing = false;
    } catch (SQLException | RuntimeException e) {
      // Waiters still time out on their own deadline; the next round tries again. Logged once per outage.
      if (!failing) {
        log.warn("could not poll {} waiting carts: {}", carts.size(), e.getMessage());
      }
      failing = true;
    }
    long now = System.nanoTime();
    for (var it = waiters.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      long current = seen == null ? w.appliedAtStart() : seen.getOrDefault(w.cartId(), 0L);
      if (seen != null && current >= w.minSeqNr()) {
        it.remove();
        w.outcome().complete(new Outcome.Reached());
      } else if (now - w.deadlineNanos() >= 0) {
        it.remove();
        w.outcome().complete(new Outcome.TimedOut(current));
      }
    }
  }
}
