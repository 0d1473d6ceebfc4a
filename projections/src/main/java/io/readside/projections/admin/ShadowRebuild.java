package io.readside.projections.admin;

import io.readside.projections.ReadModelProjection;
import io.readside.projections.Worker;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.projection.ProjectionId;

/**
 * Blue/green rebuild of a projection: its tables are built again from the journal into copies
 * ({@link ShadowTables}) while the live tables keep serving reads and the live instances keep
 * applying new events. When the shadow is close behind the live offsets, {@link ShadowSwap}
 * replaces every live row with the shadow's in one transaction; then the copies are dropped.
 *
 * <p>The live rows are replaced (DELETE and INSERT in one transaction) rather than the tables
 * renamed: views, foreign keys, grants and comments name the live tables by identity, and a
 * rename would leave them on the old ones. Dead letters are kept as they are: events parked or
 * discarded for the projection are left out of the shadow as the worker left them out of the live
 * rows (a retry or discard still works on them after the swap). An event the new build cannot
 * apply fails the rebuild, and nothing live changes.
 */
final class ShadowRebuild {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShadowRebuild.class);
  private static final String ACTION = "rebuild --shadow";
  /** The swap starts once the shadow is this close behind the live offsets (events, all slices). */
  private static final long CLOSE_ENOUGH = 2_000;
  /** Catch-up rounds before swapping anyway (each round chases what the live instances added). */
  private static final int MAX_ROUNDS = 20;

  private final SliceOperations operations;
  private final Transactions tx;
  private final SliceJournal journal;
  private final ShadowSwap swap;
  private final ShadowRebuildProgress progress;
  private final Worker.Source source;

  ShadowRebuild(
      SliceOperations operations, SlicePause pause, SliceJournal journal, ShadowRebuildProgress progress, Worker.Source source) {
    this.operations = operations;
    this.tx = operations.tx();
    this.journal = journal;
    this.swap = new ShadowSwap(tx, pause, journal);
    this.progress = progress;
    this.source = source;
  }

  /**
   * Takes every slice's operation lock (409 when another operation holds one) and builds in the
   * background; progress is in {@link ShadowRebuildProgress} and the status.
   */
  ShadowRebuildProgress.Report start(ReadModelProjection projection, String tokenId) throws SQLException {
    List<Integer> slices = operations.slices(Optional.empty());
    SliceLocks locks = SliceLocks.acquire(tx.pool, projection.name(), slices, ACTION);
    ShadowRebuildProgress.Report begun;
    try {
      progress.begin(projection.name(), tokenId);
      // Read before the build starts: the answer says "building", however fast the build then is.
      begun = progress.read(projection.name()).orElseThrow();
    } catch (SQLException | RuntimeException e) {
      locks.close();
      throw e;
    }
    Thread.ofPlatform().name("shadow-rebuild-" + projection.name()).daemon().start(() -> {
      try (locks) {
        run(projection, slices, tokenId);
      } catch (Exception e) {
        LOG.warn("shadow rebuild of {}: releasing its slice locks failed", projection.name(), e);
        // run() records its own failures; this is the lock's release failing, which PostgreSQL
        // undoes when the connection goes.
      }
    });
    return begun;
  }

  private void run(ReadModelProjection projection, List<Integer> slices, String tokenId) {
    try {
      tx.run(c -> ShadowTables.create(c, projection));
      List<SliceShadow> shadows = new ArrayList<>();
      for (int s : slices) {
        ProjectionId id = Worker.projectionId(projection, s);
        Optional<SlicePosition> live = tx.inTransaction(c -> OffsetStore.position(c, id));
        shadows.add(new SliceShadow(s, id, SlicePosition.start(live.map(ShadowRebuild::sourceOf).orElse(source))));
      }
      long replayed = build(projection, shadows);
      progress.swapping(projection.name());
      ShadowSwap.Result swapped = swap.swap(projection, shadows, tokenId, replayed);
      progress.done(projection.name(), swapped.replayed(), swapped.rows(), swapped.pausedMillis(), swapped.swapMillis());
      audit(projection, tokenId, "done");
    } catch (Exception e) {
      LOG.warn("shadow rebuild of {} failed", projection.name(), e);
      try {
        progress.failed(projection.name(), Transactions.describe(e));
        audit(projection, tokenId, "failed");
      } catch (SQLException ignored) {
        // the database is gone; the stale progress row says "stalled" after a while
      }
    } finally {
      try {
        tx.run(c -> ShadowTables.drop(c, projection));
      } catch (SQLException ignored) {
        // dropped by the next shadow rebuild of this projection, which recreates them
      }
    }
  }

  /** Rounds of catching up with the live offsets until close enough to swap; the events replayed. */
  private long build(ReadModelProjection projection, List<SliceShadow> shadows) throws SQLException {
    long replayed = 0;
    for (int round = 1; ; round++) {
      long remaining = 0;
      for (SliceShadow shadow : shadows) {
        remaining += tx.inTransaction(shadow::behind);
      }
      progress.update(projection.name(), replayed, replayed + remaining);
      if (remaining <= CLOSE_ENOUGH || round > MAX_ROUNDS) {
        return replayed;
      }
      for (SliceShadow shadow : shadows) {
        replayed = catchUp(projection, shadow, replayed, replayed + remaining);
      }
    }
  }

  private static Worker.Source sourceOf(SlicePosition position) {
    return switch (position) {
      case SlicePosition.Ordering o -> Worker.Source.EVENTS_BY_TAG;
      case SlicePosition.Horizon h -> Worker.Source.HORIZON;
    };
  }

  /** Replays one slice up to its live offset as it is now, a batch per transaction. */
  private long catchUp(ReadModelProjection projection, SliceShadow shadow, long replayed, long total) throws SQLException {
    Optional<SlicePosition> live = tx.inTransaction(c -> OffsetStore.position(c, shadow.id));
    if (live.isEmpty()) {
      return replayed;
    }
    while (true) {
      int applied = tx.inTransaction(c -> shadow.replayBatch(c, projection, journal, live.get()));
      if (applied == 0) {
        return replayed;
      }
      replayed += applied;
      progress.update(projection.name(), replayed, Math.max(total, replayed));
    }
  }

  private void audit(ReadModelProjection projection, String tokenId, String outcome) throws SQLException {
    Map<String, Object> arguments = Map.of("slice", "all", "shadow", true);
    tx.run(c -> AdminAudit.record(c, ACTION, projection.name(), arguments, null, null, tokenId, outcome));
  }
}
