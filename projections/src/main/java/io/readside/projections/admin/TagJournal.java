package io.readside.projections.admin;

import io.readside.projections.HorizonOffset;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Counts and positions in one tag's journal rows, for rebuild and rewind. */
final class TagJournal {
  private TagJournal() {}

  /**
   * The horizon position to rewind to so that every row of the tag with an ordering above
   * {@code ordering} is replayed: just before the first such row in (tx_id, ordering) order (a
   * few rows at or below the ordering that sort after it are replayed too, harmless where rewind
   * is allowed). Empty when no row is above the ordering.
   */
  static Optional<SlicePosition> horizonBefore(Connection c, String tag, long ordering) throws SQLException {
    String firstTx;
    long firstOrdering;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT tx_id::text, event_id FROM event_tag WHERE tag = ? AND event_id > ? ORDER BY tx_id, event_id LIMIT 1")) {
      ps.setString(1, tag);
      ps.setLong(2, ordering);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        firstTx = rs.getString(1);
        firstOrdering = rs.getLong(2);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        """
        SELECT tx_id::text, event_id FROM event_tag WHERE tag = ? AND (tx_id, event_id) < (CAST(? AS xid8), ?)
         ORDER BY tx_id DESC, event_id DESC LIMIT 1
        """)) {
      ps.setString(1, tag);
      ps.setString(2, firstTx);
      ps.setLong(3, firstOrdering);
      try (ResultSet rs = ps.executeQuery()) {
        return Optional.of(rs.next()
            ? new SlicePosition.Horizon(new HorizonOffset(Long.parseLong(rs.getString(1)), rs.getLong(2)))
            : new SlicePosition.Horizon(HorizonOffset.START));
      }
    }
  }

  /** Events of a tag in (after, upTo]. */
  static long eventsBetween(Connection c, String tag, long after, long upTo) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT count(*) FROM event_tag WHERE tag = ? AND event_id > ? AND event_id <= ?")) {
      ps.setString(1, tag);
      ps.setLong(2, after);
      ps.setLong(3, upTo);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static long head(Connection c, String tag) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(max(event_id), 0) FROM event_tag WHERE tag = ?")) {
      ps.setString(1, tag);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The highest ordering of a tag written before the given time: rewinding to it replays the rest. */
  static long offsetBefore(Connection c, String tag, long epochMillis) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            SELECT COALESCE(max(t.event_id), 0) FROM event_tag t JOIN event_journal j ON j.ordering = t.event_id
             WHERE t.tag = ? AND j.write_timestamp < ?
            """)) {
      ps.setString(1, tag);
      ps.setLong(2, epochMillis);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
