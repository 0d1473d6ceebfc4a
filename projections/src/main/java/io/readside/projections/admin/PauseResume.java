package io.readside.projections.admin;

import io.readside.projections.ReadModelProjection;
import io.readside.projections.Worker;
import io.readside.projections.admin.OperationResult.Outcome;
import io.readside.projections.admin.OperationResult.SliceOutcome;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.projection.ProjectionId;

/** Pause and resume, per slice, whether the instance runs or not: it starts as flagged when it starts. */
record PauseResume(SliceOperations operations, SlicePause pause) {
  OperationResult pause(ReadModelProjection projection, Optional<Integer> slice, String tokenId) throws SQLException {
    return setPaused(projection, slice, tokenId, true);
  }

  OperationResult resume(ReadModelProjection projection, Optional<Integer> slice, String tokenId) throws SQLException {
    return setPaused(projection, slice, tokenId, false);
  }

  private OperationResult setPaused(ReadModelProjection projection, Optional<Integer> slice, String tokenId, boolean paused)
      throws SQLException {
    String action = paused ? "pause" : "resume";
    List<Integer> chosen = operations.slices(slice);
    return operations.run(projection, chosen, action, false, SliceOperations.arguments(slice), tokenId, s -> {
      ProjectionId id = Worker.projectionId(projection, s);
      boolean acknowledged = pause.setPaused(id, paused);
      Long offset = operations.tx().inTransaction(c -> OffsetStore.offset(c, id).orElse(null));
      return new SliceOutcome(s, offset, offset, 0, acknowledged, Outcome.DONE,
          acknowledged ? null : "no running instance answered; it starts " + (paused ? "paused" : "running") + " when it starts");
    });
  }
}
