package io.readside.projections.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * One operation per (projection, slice) at a time, across every admin node: PostgreSQL session
 * advisory locks, taken without waiting on one connection held for the whole operation (pause,
 * change, resume). They are released when the operation ends, or by PostgreSQL when the node
 * holding them dies, so a crash never leaves a slice locked.
 */
final class SliceLocks implements AutoCloseable {
  private final Connection connection;
  private final String projection;
  private final List<Integer> held = new ArrayList<>();

  private SliceLocks(Connection connection, String projection) {
    this.connection = connection;
    this.projection = projection;
  }

  /** All the slices' locks, or none: a slice another operation holds is refused with 409. */
  static SliceLocks acquire(DataSource pool, String projection, List<Integer> slices, String action) throws SQLException {
    SliceLocks locks = new SliceLocks(pool.getConnection(), projection);
    try {
      locks.connection.setAutoCommit(true);
      for (int slice : slices) {
        if (!locks.tryLock(slice)) {
          throw Refused.conflict(
              "operation_in_progress",
              "another operation is running on " + projection + " slice " + slice + "; " + action
                  + " changed nothing, try again when it has finished (GET /admin/audit shows it when done)");
        }
        locks.held.add(slice);
      }
      return locks;
    } catch (SQLException | RuntimeException e) {
      locks.close();
      throw e;
    }
  }

  private boolean tryLock(int slice) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?), ?)")) {
      ps.setString(1, key(projection));
      ps.setInt(2, slice);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static String key(String projection) {
    return "readside-operation:" + projection;
  }

  @Override
  public void close() throws SQLException {
    try (connection; PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(hashtext(?), ?)")) {
      for (int slice : held) {
        ps.setString(1, key(projection));
        ps.setInt(2, slice);
        ps.execute();
      }
    }
  }
}
