package io.readside.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SliceReadsTest {
  private static final String SLICE = "cart-3";
  private static final HorizonOffset AT = new HorizonOffset(100, 7);

  private final AtomicInteger queries = new AtomicInteger();
  private final List<HorizonEnvelope> page = List.of();
  private final Supplier<List<HorizonEnvelope>> query = () -> {
    queries.incrementAndGet();
    return page;
  };
  /** Runs nothing until asked: a read stays in flight while the test decides who joins it. */
  private final PendingExecutor executor = new PendingExecutor();

  @Test
  void projectionsWokenTogetherShareOneReadOfTheirSlice() throws Exception {
    long woken = System.nanoTime();
    SliceReads reads = new SliceReads();
    var a = reads.read(SLICE, AT, woken, query, executor).toCompletableFuture();
    var b = reads.read(SLICE, AT, woken, query, executor).toCompletableFuture();
    var c = reads.read(SLICE, AT, woken, query, executor).toCompletableFuture();
    executor.runAll();
    assertSame(page, a.get());
    assertSame(page, b.get());
    assertSame(page, c.get());
    assertEquals(1, queries.get(), "one query for the three projections");
  }

  @Test
  void aReadThatStartedBeforeAnInstanceWasWokenIsNotSharedWithIt() throws Exception {
    SliceReads reads = new SliceReads();
    var before = reads.read(SLICE, AT, System.nanoTime(), query, executor).toCompletableFuture();
    long wokenAfterThatReadStarted = System.nanoTime();
    var after = reads.read(SLICE, AT, wokenAfterThatReadStarted, query, executor).toCompletableFuture();
    executor.runAll();
    before.get();
    after.get();
    assertEquals(2, queries.get(), "the woken instance must see rows that became readable after the first read began");
  }

  @Test
  void instancesAtDifferentOffsetsReadOnTheirOwn() throws Exception {
    SliceReads reads = new SliceReads();
    long woken = System.nanoTime();
    var behind = reads.read(SLICE, AT, woken, query, executor).toCompletableFuture();
    var ahead = reads.read(SLICE, new HorizonOffset(100, 9), woken, query, executor).toCompletableFuture();
    var otherSlice = reads.read("cart-4", AT, woken, query, executor).toCompletableFuture();
    executor.runAll();
    behind.get();
    ahead.get();
    otherSlice.get();
    assertEquals(3, queries.get());
  }

  @Test
  void aFailedReadIsNotSharedWithLaterPolls() throws Exception {
    SliceReads reads = new SliceReads();
    long woken = System.nanoTime();
    var failed = reads.read(SLICE, AT, woken, () -> {
      queries.incrementAndGet();
      throw new IllegalStateException("connection lost");
    }, executor).toCompletableFuture();
    executor.runAll();
    assertEquals(true, failed.isCompletedExceptionally());
    var retried = reads.read(SLICE, AT, woken, query, executor).toCompletableFuture();
    executor.runAll();
    assertSame(page, retried.get());
    assertEquals(2, queries.get());
  }

  private static final class PendingExecutor implements Executor {
    private final java.util.ArrayDeque<Runnable> pending = new java.util.ArrayDeque<>();

    @Override
    public void execute(Runnable command) {
      pending.add(command);
    }

    void runAll() {
      while (!pending.isEmpty()) {
        pending.poll().run();
      }
    }
  }
}
