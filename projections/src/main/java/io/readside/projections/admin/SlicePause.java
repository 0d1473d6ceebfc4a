package io.readside.projections.admin;

import io.readside.events.CartTags;
import io.readside.projections.ReadModelProjection;
import io.readside.projections.Worker;
import io.readside.projections.admin.OperationResult.Outcome;
import io.readside.projections.admin.OperationResult.SliceOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.javadsl.ProjectionManagement;

/**
 * Pausing a slice's instance around a change: the database's paused flag is the source of truth
 * (an instance that starts meanwhile starts paused), a running instance is told through
 * ProjectionManagement. Before an offset moves, the running instance is paused, so it cannot
 * commit an offset it still holds in memory; afterwards the flag is put back as it was.
 */
final class SlicePause {
  private static final Duration TELL_TIMEOUT = Duration.ofSeconds(8);

  /** What putting the paused flag back came to. */
  sealed interface Restore {
    /** As it was before (or it was paused before, and stays so). */
    record Restored() implements Restore {}

    /** Resuming failed: the slice stays paused, and the operator is told how to resume it. */
    record LeftPaused(String why) implements Restore {}

    /** The note with what was left, if anything, appended. */
    default String appendedTo(String note) {
      return switch (this) {
        case Restored r -> note;
        case LeftPaused l -> (note == null ? "" : note) + l.why();
      };
    }
  }

  /** A change to one slice's rows and offset, in one transaction. */
  @FunctionalInterface
  interface SliceChange {
    SliceOutcome apply(Connection c, ProjectionId id) throws SQLException;
  }

  private final ActorSystem<?> system;
  private final Transactions tx;

  SlicePause(ActorSystem<?> system, Transactions tx) {
    this.system = system;
    this.tx = tx;
  }

  /**
   * The change runs in one transaction with the slice's instance paused, so when it fails nothing
   * of it is left; the pause around it is undone too (resumed if the instance ran before), and the
   * note says so, or says exactly what could not be undone.
   */
  SliceOutcome whilePaused(ReadModelProjection projection, int slice, SliceChange change) throws SQLException {
    ProjectionId id = Worker.projectionId(projection, slice);
    boolean wasPaused = tx.inTransaction(c -> OffsetStore.isPaused(c, id));
    Optional<String> runningOn = tx.inTransaction(c -> runningNode(c, id));
    boolean acknowledged = setPaused(id, true);
    if (!acknowledged && runningOn.isPresent()) {
      Restore restore = restore(id, wasPaused, false);
      return new SliceOutcome(slice, null, null, 0, false, Outcome.UNCHANGED,
          restore.appendedTo("the instance on " + runningOn.get() + " did not confirm the pause; nothing changed, try again"));
    }
    SliceOutcome outcome;
    try {
      outcome = tx.inTransaction(c -> change.apply(c, id));
    } catch (SQLException | RuntimeException e) {
      Restore restore = restore(id, wasPaused, true);
      return SliceOutcome.failed(slice,
          restore.appendedTo("failed and rolled back, the slice's rows and offset are as they were: " + Transactions.describe(e)));
    }
    return outcome.afterPause(acknowledged, restore(id, wasPaused, true));
  }

  /**
   * Pauses a slice's instance for an operation that changes it; whether it was paused before, to
   * restore after. When a running instance does not confirm, its pause is undone and this throws.
   */
  boolean pauseForOperation(ProjectionId id) throws SQLException {
    boolean wasPaused = tx.inTransaction(c -> OffsetStore.isPaused(c, id));
    Optional<String> runningOn = tx.inTransaction(c -> runningNode(c, id));
    if (!setPaused(id, true) && runningOn.isPresent()) {
      Restore restore = restore(id, wasPaused, false);
      throw new IllegalStateException(restore.appendedTo("the instance of " + id + " on " + runningOn.get() + " did not confirm the pause"));
    }
    return wasPaused;
  }

  /**
   * Persists the paused flag first (an instance that starts meanwhile starts as flagged), then
   * tells a running instance: true when one acknowledged, false when none answered in time.
   */
  boolean setPaused(ProjectionId id, boolean paused) throws SQLException {
    tx.run(c -> OffsetStore.setPaused(c, id, paused));
    return tell(id, pm -> paused ? pm.pause(id) : pm.resume(id));
  }

  /** Puts the paused flag back as it was before an operation paused the slice. */
  Restore restore(ProjectionId id, boolean wasPaused, boolean tellResume) {
    if (wasPaused) {
      return new Restore.Restored();
    }
    try {
      tx.run(c -> OffsetStore.setPaused(c, id, false));
    } catch (SQLException | RuntimeException e) {
      return new Restore.LeftPaused("; the slice is LEFT PAUSED (resuming failed: " + Transactions.describe(e) + "): POST /admin/projections/"
          + id.name() + "/resume?slice=" + CartTags.sliceOfTag(id.key()));
    }
    if (tellResume) {
      // A paused instance re-reads its offset from the store when resumed.
      tell(id, pm -> pm.resume(id));
    }
    return new Restore.Restored();
  }

  /** True when a running instance acknowledged; false when none answered in time. */
  private boolean tell(ProjectionId id, Function<ProjectionManagement, CompletionStage<Done>> operation) {
    try {
      operation.apply(ProjectionManagement.get(system)).toCompletableFuture().get(TELL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** The node whose instance of the slice has a fresh heartbeat, if any. */
  private static Optional<String> runningNode(Connection c, ProjectionId id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            SELECT node FROM readside_projection_slice
             WHERE projection_name = ? AND projection_key = ? AND heartbeat_at > now() - make_interval(secs => ?)
            """)) {
      ps.setString(1, id.name());
      ps.setString(2, id.key());
      ps.setLong(3, ProjectionStatusQuery.STALE_AFTER.toSeconds());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    }
  }
}
