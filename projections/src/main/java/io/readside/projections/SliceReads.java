package io.readside.projections;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A node's horizon reads, shared by the projections' instances of a slice. The watch wakes the
 * three instances of a slice at once and they poll from the same offset, so the second and third
 * take the first one's rows instead of running the same query (and deserializing the same events)
 * again: a third of the polls under load (issue 13).
 *
 * <p>A read is shared only with a poll that began waiting no later than the read started
 * ({@code notBefore}): a wake-up means "rows became readable"; a read that started before it may
 * not hold them, and the woken instance would then wait with them unread. One slot per slice (the
 * latest read), so at most {@code slices} pages are held.
 */
final class SliceReads {
  private record Read(HorizonOffset after, long startedNanos, CompletableFuture<List<HorizonEnvelope>> rows) {}

  private final ConcurrentHashMap<String, Read> latest = new ConcurrentHashMap<>();

  /**
   * The rows of {@code tag} after {@code after}: the latest read of that slice and offset if it
   * started at or after {@code notBeforeNanos} (System.nanoTime), else {@code query} run on
   * {@code executor} (and shared in turn).
   */
  CompletionStage<List<HorizonEnvelope>> read(
      String tag, HorizonOffset after, long notBeforeNanos, Supplier<List<HorizonEnvelope>> query, Executor executor) {
    Read mine = new Read(after, System.nanoTime(), new CompletableFuture<>());
    Read current = latest.compute(tag, (t, last) -> last != null && last.after().equals(after)
        && last.startedNanos() - notBeforeNanos >= 0 && !last.rows().isCompletedExceptionally() ? last : mine);
    if (current == mine) {
      CompletableFuture.supplyAsync(query, executor).whenComplete((rows, failure) -> {
        if (failure != null) {
          mine.rows().completeExceptionally(failure);
        } else {
          mine.rows().complete(rows);
        }
      });
    }
    return current.rows();
  }
}
