package io.readside.projections;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A slice's events in (tx_id, ordering) order, a page at a time (one envelope is one page, applied
 * in one transaction), read only below the horizon
 * {@code pg_snapshot_xmin(pg_current_snapshot())}: a row whose writing transaction is older than
 * every running one is final, and every row still to commit sorts after it. So the source never
 * skips a late commit and never waits on an ordering hole left by a rollback. A running
 * transaction holds the horizon back (for every slice) until it ends; admin status names it.
 */
public final class HorizonSourceProvider extends SourceProvider<String, List<HorizonEnvelope>> {
  /**
   * {@code pollInterval}: how often a caught-up instance polls without a {@link JournalWatch} (or
   * while the watch has lost its connection); {@code idlePollInterval}: how often it polls anyway
   * while the watch wakes it (the safety net behind the watch's own checks).
   */
  public record Settings(Duration pollInterval, int batchSize, Duration idlePollInterval, Duration minPollInterval) {
    public Settings(Duration pollInterval, int batchSize, Duration idlePollInterval) {
      this(pollInterval, batchSize, idlePollInterval, Duration.ZERO);
    }
  }

  private final String tag;
  private final DataSource pool;
  private final Executor blocking;
  private final Settings settings;
  private final Serialization serialization;
  private final Optional<JournalWatch> watch;
  private final SliceReads reads;

  public HorizonSourceProvider(ActorSystem<?> system, String tag, DataSource pool, Executor blocking, Settings settings) {
    this(system, tag, pool, blocking, settings, Optional.empty(), new SliceReads());
  }

  /**
   * With a watch, a caught-up instance waits to be woken (or its idle poll) instead of polling
   * every pollInterval; {@code reads} (one per node) shares a slice's reads between projections.
   */
  HorizonSourceProvider(ActorSystem<?> system, String tag, DataSource pool, Executor blocking, Settings settings,
      Optional<JournalWatch> watch, SliceReads reads) {
    this.watch = watch;
    this.reads = reads;
    this.tag = tag;
    this.pool = pool;
    this.blocking = blocking;
    this.settings = settings;
    this.serialization = SerializationExtension.get(Adapter.toClassic(system));
  }

  private record Poll(HorizonOffset from, boolean waitFirst) {}

  @Override
  public CompletionStage<Source<List<HorizonEnvelope>, NotUsed>> source(Supplier<CompletionStage<Optional<String>>> offset) {
    return offset.get().thenApply(stored -> {
      HorizonOffset start = stored.map(HorizonOffset::parse).orElse(HorizonOffset.START);
      Wakeup wakeup = new Wakeup(start);
      return Source.unfoldAsync(new Poll(start, false), poll -> next(poll, wakeup))
          .filter(page -> !page.isEmpty())
          .watchTermination((mat, done) -> {
            done.whenComplete((d, e) -> watch.ifPresent(w -> w.unregister(tag, wakeup)));
            return mat;
          })
          .mapMaterializedValue(mat -> {
            watch.ifPresent(w -> w.register(tag, wakeup));
            return mat;
          });
    });
  }

  private CompletionStage<Optional<Pair<Poll, List<HorizonEnvelope>>>> next(Poll poll, Wakeup wakeup) {
    // When the wait ended (woken, or its limit): a shared read must have started since.
    CompletionStage<Long> ready = poll.waitFirst()
        ? wakeup.await(waitLimit()).thenApply(woken -> System.nanoTime())
            .thenCompose(waited -> wakeup.spaced(settings.minPollInterval()).thenApply(spaced -> waited))
        : CompletableFuture.completedFuture(System.nanoTime());
    return ready.thenCompose(notBefore -> reads.read(tag, poll.from(), notBefore, () -> read(poll.from()), blocking))
        .thenApply(batch -> {
          HorizonOffset last = batch.isEmpty() ? poll.from()
              : new HorizonOffset(batch.getLast().txId(), batch.getLast().ordering());
          wakeup.readUpTo(last);
          // A full batch: there is more below the horizon, read on at once.
          return Optional.of(Pair.create(new Poll(last, batch.size() < settings.batchSize()), batch));
        });
  }

  /** Woken by the watch while it listens; else the plain poll interval, as without a watch. */
  private Duration waitLimit() {
    return watch.isPresent() && watch.get().listening() ? settings.idlePollInterval() : settings.pollInterval();
  }

  /**
   * One running source's side of the watch: where it has read up to, and a wake-up that is never
   * lost (a wake while a poll runs makes the next wait end at once).
   */
  private static final class Wakeup implements JournalWatch.Cursor {
    private volatile HorizonOffset position;
    private boolean woken;
    private CompletableFuture<Void> waiting;

    Wakeup(HorizonOffset start) {
      this.position = start;
    }

    void readUpTo(HorizonOffset last) {
      position = last;
    }

    private long lastPollNanos;

    /**
     * Completes once {@code min} has passed since the previous woken poll: under load every
     * journal commit wakes the slice, and a poll (and a group transaction) per commit would cost
     * more than it saves; this bounds an instance to one woken poll per {@code min}.
     */
    CompletionStage<Void> spaced(Duration min) {
      long now = System.nanoTime();
      long due = lastPollNanos + min.toNanos();
      if (min.isZero() || now - due >= 0) {
        lastPollNanos = now;
        return CompletableFuture.completedFuture(null);
      }
      lastPollNanos = due;
      return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(due - now, TimeUnit.NANOSECONDS));
    }

    @Override
    public HorizonOffset position() {
      return position;
    }

    @Override
    public void wake() {
      CompletableFuture<Void> w;
      synchronized (this) {
        w = waiting;
        waiting = null;
        if (w == null || w.isDone()) {
          // Not waiting now (polling, or its wait just timed out): the next wait ends at once.
          woken = true;
          return;
        }
      }
      w.complete(null);
    }

    synchronized CompletionStage<Void> await(Duration limit) {
      if (woken) {
        woken = false;
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> w = new CompletableFuture<>();
      waiting = w;
      return w.completeOnTimeout(null, limit.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  List<HorizonEnvelope> read(HorizonOffset after) {
    return HorizonPage.read(pool, tag, after, settings.batchSize(), serialization);
  }

  /** A page's offset is its last row's: the page commits as a whole. */
  @Override
  public String extractOffset(List<HorizonEnvelope> page) {
    return page.getLast().offset();
  }

  @Override
  public long extractCreationTime(List<HorizonEnvelope> page) {
    return page.getLast().timestamp();
  }
}
