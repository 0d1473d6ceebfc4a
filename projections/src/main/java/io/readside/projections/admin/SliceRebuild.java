package io.readside.projections.admin;

import io.readside.events.CartTags;
import io.readside.projections.DeadLetters;
import io.readside.projections.ReadModelProjection;
import io.readside.projections.SliceFence;
import io.readside.projections.SliceStatusTable;
import io.readside.projections.admin.OperationResult.Outcome;
import io.readside.projections.admin.OperationResult.SliceOutcome;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Rebuild in place, per slice: its rows, its parked dead letters and its offset are deleted in one
 * transaction with its instance paused, then it replays from the start (events that still fail
 * are parked again). For a rebuild that keeps serving the old rows meanwhile, see {@link ShadowRebuild}.
 */
record SliceRebuild(SliceOperations operations, SlicePause pause) {
  OperationResult rebuild(ReadModelProjection projection, Optional<Integer> slice, String tokenId) throws SQLException {
    List<Integer> chosen = operations.slices(slice);
    return operations.run(projection, chosen, "rebuild", false, SliceOperations.arguments(slice), tokenId,
        s -> pause.whilePaused(projection, s, (c, id) -> {
          Long before = OffsetStore.offset(c, id).orElse(null);
          String tag = CartTags.tagForSlice(s);
          // Keep the proof of skipped events before the rows that prove them go;
          // the replay then includes them, for this projection.
          CompletenessAudit.record(c, s);
          int deleted = projection.deleteSlice(c, s);
          CompletenessAudit.markRepaired(c, projection.name(), s);
          int parked = DeadLetters.deleteParked(c, projection.name(), s);
          OffsetStore.clearOffset(c, id);
          SliceFence.advance(c, id, "rebuild by " + tokenId);
          long head = TagJournal.head(c, tag);
          long toReplay = TagJournal.eventsBetween(c, tag, 0, head);
          SliceStatusTable.rebuildStarted(c, id, head, toReplay);
          return new SliceOutcome(s, before, null, toReplay, false, Outcome.DONE,
              "deleted " + deleted + " rows" + (parked > 0 ? " and " + parked + " parked dead letters (replayed again)" : ""));
        }));
  }
}
