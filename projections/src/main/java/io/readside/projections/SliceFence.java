package io.readside.projections;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.projection.ProjectionId;

/**
 * The epoch one instance of a (projection, slice) holds. The instance takes a new epoch each time
 * its stream starts, before it reads its offset; every group transaction checks it under the
 * epoch row's lock, so only the latest taker can commit rows and offset. Taking waits for a group
 * still in flight under an older epoch, so the offset read after it includes that group.
 */
public final class SliceFence {
  /** Nothing taken yet: no group may commit. */
  private static final long NONE = -1;

  private final ProjectionId id;
  private final String owner;
  private final AtomicLong epoch = new AtomicLong(NONE);
  private volatile Runnable whenFenced = () -> {};
  private volatile boolean fenced;

  public SliceFence(ProjectionId id, String owner) {
    this.id = id;
    this.owner = owner;
  }

  /** Thrown inside a group transaction of an instance that no longer owns its slice. */
  public static final class Fenced extends RuntimeException {
    Fenced(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * What to do once fenced: the worker stops the instance rather than let its stream restart and
   * take the slice back (two live instances would then fence each other in turn and neither would
   * progress). If this node still owns the slice, ShardedDaemonProcess's keep-alive starts it again.
   */
  public void whenFenced(Runnable action) {
    this.whenFenced = action;
  }

  public ProjectionId id() {
    return id;
  }

  /**
   * Takes the next epoch (committing it on {@code c}, which must be in auto-commit). Refused once
   * this instance has been fenced: its stream may restart before its stop lands, and taking the
   * slice back then would fence the rightful owner in turn.
   */
  public long take(Connection c) throws SQLException {
    if (fenced) {
      throw new Fenced(id + ": this instance (" + owner + ") was fenced and is stopping; it does not take the slice again");
    }
    long taken = advance(c, id, owner);
    epoch.set(taken);
    return taken;
  }

  /**
   * Moves a slice's epoch on, fencing whichever instance holds it: used by instances as they
   * start and by operations that move an offset. Waits for a group in flight under the old epoch.
   */
  public static long advance(Connection c, ProjectionId id, String owner) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO readside_slice_epoch AS e (projection_name, projection_key, epoch, owner, taken_at)
            VALUES (?, ?, 1, ?, now())
            ON CONFLICT (projection_name, projection_key) DO UPDATE
               SET epoch = e.epoch + 1, owner = EXCLUDED.owner, taken_at = now()
            RETURNING epoch
            """)) {
      ps.setString(1, id.name());
      ps.setString(2, id.key());
      ps.setString(3, owner);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Binds the slice's epoch row key (projection_name, projection_key) at {@code index} and the next. */
  void bindEpochRow(PreparedStatement ps, int index) throws SQLException {
    ps.setString(index, id.name());
    ps.setString(index + 1, id.key());
  }

  /**
   * Inside a group transaction, on the epoch row its first statement locked FOR SHARE until
   * commit ({@link DeadLetters#fencedInGroup}, so a new taker waits for this group): fails the
   * group, and marks this instance fenced, when another instance or an operation has moved the
   * epoch on. {@code found} is false when there was no row at all.
   */
  void verify(boolean found, long current, String holder) {
    if (!found) {
      throw fence(id + ": no epoch taken; this instance may not commit");
    }
    long held = epoch.get();
    if (current != held) {
      throw fence(id + " is fenced: this instance (" + owner + ") holds epoch " + held + ", the slice is at epoch "
          + current + " taken by " + holder + "; its group is rolled back");
    }
  }

  private Fenced fence(String message) {
    fenced = true;
    whenFenced.run();
    return new Fenced(message);
  }
}
