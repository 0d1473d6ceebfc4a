package io.readside.projections.admin;

import io.readside.projections.ReadModelProjection;
import io.readside.projections.SliceFence;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The end of a shadow rebuild: every slice's instance paused, then one transaction fences the
 * slices, replays what the shadow still lacks up to their (now still) offsets, and replaces the
 * live rows with the shadow's. Readers see the old rows until that commit and the new ones after
 * it; the live offsets do not move, since the shadow ends exactly at them. What was running is
 * resumed, whatever happens.
 */
record ShadowSwap(Transactions tx, SlicePause pause, SliceJournal journal) {
  record Result(long replayed, long rows, long pausedMillis, long swapMillis) {}

  private record Counts(long replayed, long rows) {}

  Result swap(ReadModelProjection projection, List<SliceShadow> shadows, String tokenId, long replayedBefore) throws SQLException {
    long pausedAt = System.nanoTime();
    Map<Integer, Boolean> wasPaused = new HashMap<>();
    try {
      for (SliceShadow shadow : shadows) {
        wasPaused.put(shadow.slice, pause.pauseForOperation(shadow.id));
      }
      long swapStarted = System.nanoTime();
      Counts counts = tx.inTransaction(c -> {
        try (Statement st = c.createStatement()) {
          // The copy is one statement per table; the admin pool's statement timeout is for requests.
          st.execute("SET LOCAL statement_timeout = '10min'");
        }
        for (SliceShadow shadow : shadows) {
          // Waits for a group still in flight; no instance commits on these slices after this.
          SliceFence.advance(c, shadow.id, "rebuild --shadow by " + tokenId);
        }
        long replayed = replayedBefore;
        for (SliceShadow shadow : shadows) {
          Optional<SlicePosition> live = OffsetStore.position(c, shadow.id);
          if (live.isPresent()) {
            int n;
            while ((n = shadow.replayBatch(c, projection, journal, live.get())) > 0) {
              replayed += n;
            }
          }
          shadow.checkDeadLettersUnchanged(c, projection);
          CompletenessAudit.record(c, shadow.slice);
          CompletenessAudit.markRepaired(c, projection.name(), shadow.slice);
        }
        return new Counts(replayed, ShadowTables.replaceLiveRows(c, projection));
      });
      long swapMillis = (System.nanoTime() - swapStarted) / 1_000_000;
      return new Result(counts.replayed(), counts.rows(), (System.nanoTime() - pausedAt) / 1_000_000, swapMillis);
    } finally {
      for (SliceShadow shadow : shadows) {
        Boolean before = wasPaused.get(shadow.slice);
        if (before != null) {
          // Resuming a slice that fails to resume shows as paused in the status; nothing else is left.
          pause.restore(shadow.id, before, true);
        }
      }
    }
  }
}
