package io.readside.projections.admin;

import io.readside.events.CartTags;
import io.readside.projections.ReadModelProjection;
import io.readside.projections.SliceFence;
import io.readside.projections.Worker;
import io.readside.projections.admin.OperationResult.Outcome;
import io.readside.projections.admin.OperationResult.SliceOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.projection.ProjectionId;

/**
 * Rewind, per slice: the offset goes back (never forward) to an offset or a time, with the
 * instance paused, and the events after it are applied again. Only for projections that can apply
 * an event twice without counting it twice.
 */
final class Rewind {
  private final SliceOperations operations;
  private final SlicePause pause;
  private final Worker.Source source;

  Rewind(SliceOperations operations, SlicePause pause, Worker.Source source) {
    this.operations = operations;
    this.pause = pause;
    this.source = source;
  }

  OperationResult rewind(ReadModelProjection projection, RewindTarget target, boolean dryRun, Optional<Integer> slice, String tokenId)
      throws SQLException {
    if (!projection.replaySafe()) {
      throw Refused.conflict(
          "not_replay_safe",
          projection.name() + " adds up what it sees, so replaying events would count them twice; rewind is refused."
              + " Rebuild it instead: POST /admin/projections/" + projection.name() + "/rebuild");
    }
    List<Integer> chosen = operations.slices(slice);
    Map<String, Object> arguments = new LinkedHashMap<>();
    switch (target) {
      case RewindTarget.ToOffset o -> arguments.put("toOffset", o.offset());
      case RewindTarget.ToTimestamp t -> arguments.put("toTimestamp", t.timestamp().toString());
    }
    arguments.put("dryRun", dryRun);
    arguments.putAll(SliceOperations.arguments(slice));
    return operations.run(projection, chosen, "rewind", dryRun, arguments, tokenId, s -> {
      ProjectionId id = Worker.projectionId(projection, s);
      SliceOutcome planned = operations.tx().inTransaction(c -> plan(c, id, s, target, dryRun).outcome());
      if (dryRun || planned.eventsToReplay() == 0) {
        return planned;
      }
      return pause.whilePaused(projection, s, (c, pid) -> {
        // Plan again inside the transaction: the offset may have moved since.
        Plan now = plan(c, pid, s, target, false);
        SliceFence.advance(c, pid, "rewind by " + tokenId);
        if (now.to().equals(now.to().start())) {
          OffsetStore.clearOffset(c, pid);
        } else {
          OffsetStore.setPosition(c, pid, now.to());
        }
        return now.outcome();
      });
    });
  }

  /** Where a slice's offset goes, and what the operation reports. */
  private record Plan(SlicePosition to, SliceOutcome outcome) {}

  /**
   * With journal-ordering offsets the slice goes back to the target ordering; with horizon offsets
   * to just before the first row above it in (tx_id, ordering) order. Never forward.
   */
  private Plan plan(Connection c, ProjectionId id, int slice, RewindTarget target, boolean dryRun) throws SQLException {
    String tag = CartTags.tagForSlice(slice);
    SlicePosition current = OffsetStore.position(c, id).orElse(SlicePosition.start(source));
    long wanted =
        switch (target) {
          case RewindTarget.ToOffset o -> o.offset();
          case RewindTarget.ToTimestamp t -> TagJournal.offsetBefore(c, tag, t.timestamp().toEpochMilli());
        };
    SlicePosition to =
        switch (current) {
          case SlicePosition.Ordering o -> new SlicePosition.Ordering(Math.min(wanted, o.ordering()));
          case SlicePosition.Horizon h -> TagJournal.horizonBefore(c, tag, wanted)
              .filter(p -> ((SlicePosition.Horizon) p).offset().compareTo(h.offset()) < 0)
              .orElse(current);
        };
    long replay = to.equals(current) ? 0 : SliceJournal.count(c, slice, to, current);
    String note = replay == 0 ? "nothing to replay"
        : current instanceof SlicePosition.Horizon ? "horizon offset " + current.text() + " -> " + to.text() : null;
    return new Plan(to, new SliceOutcome(
        slice, ordering(current), ordering(to), replay, false, dryRun ? Outcome.DRY_RUN : Outcome.DONE, note));
  }

  private static long ordering(SlicePosition position) {
    return switch (position) {
      case SlicePosition.Ordering o -> o.ordering();
      case SlicePosition.Horizon h -> h.offset().ordering();
    };
  }
}
