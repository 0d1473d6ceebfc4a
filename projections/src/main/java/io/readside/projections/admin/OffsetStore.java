package io.readside.projections.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.apache.pekko.projection.ProjectionId;

/**
 * Direct access to pekko-projection-jdbc's offset and management rows, so operations work when
 * an instance is not running. Offsets of eventsByTag are journal orderings (manifest SEQ).
 */
final class OffsetStore {
  private OffsetStore() {}

  /** The journal ordering of the slice's offset, of either kind (a horizon offset's ordering part). */
  static Optional<Long> offset(Connection c, ProjectionId id) throws SQLException {
    return position(c, id).map(p -> switch (p) {
      case SlicePosition.Ordering o -> o.ordering();
      case SlicePosition.Horizon h -> h.offset().ordering();
    });
  }

  /** The slice's stored offset as a position in its source's order, of either kind. */
  static Optional<SlicePosition> position(Connection c, ProjectionId id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT manifest, current_offset FROM pekko_projection_offset_store WHERE projection_name = ? AND projection_key = ?")) {
      ps.setString(1, id.name());
      ps.setString(2, id.key());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(SlicePosition.ofStored(rs.getString(1), rs.getString(2))) : Optional.empty();
      }
    }
  }

  /** Whether any slice of the projection has a horizon offset ("tx_id:ordering", manifest STR). */
  static boolean anyHorizonOffset(Connection c, String projection) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM pekko_projection_offset_store WHERE projection_name = ? AND manifest = 'STR' LIMIT 1")) {
      ps.setString(1, projection);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  static void setOffset(Connection c, ProjectionId id, long offset) throws SQLException {
    setPosition(c, id, new SlicePosition.Ordering(offset));
  }

  /** Stores a position as its source stores it: an ordering as SEQ, a horizon offset as STR "tx_id:ordering". */
  static void setPosition(Connection c, ProjectionId id, SlicePosition position) throws SQLException {
    String manifest = switch (position) {
      case SlicePosition.Ordering o -> "SEQ";
      case SlicePosition.Horizon h -> "STR";
    };
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO pekko_projection_offset_store
                   (projection_name, projection_key, current_offset, manifest, mergeable, last_updated)
            VALUES (?, ?, ?, ?, false, ?)
            ON CONFLICT (projection_name, projection_key) DO UPDATE SET
                   current_offset = EXCLUDED.current_offset, manifest = EXCLUDED.manifest, mergeable = false,
                   last_updated = EXCLUDED.last_updated
            """)) {
      ps.setString(1, id.name());
      ps.setString(2, id.key());
      ps.setString(3, position.text());
      ps.setString(4, manifest);
      ps.setLong(5, System.currentTimeMillis());
      ps.executeUpdate();
    }
  }

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
            ? new SlicePosition.Horizon(new io.readside.projections.HorizonOffset(Long.parseLong(rs.getString(1)), rs.getLong(2)))
            : new SlicePosition.Horizon(io.readside.projections.HorizonOffset.START));
      }
    }
  }

  static void clearOffset(Connection c, ProjectionId id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM pekko_projection_offset_store WHERE projection_name = ? AND projection_key = ?")) {
      ps.setString(1, id.name());
      ps.setString(2, id.key());
      ps.executeUpdate();
    }
  }

  static boolean isPaused(Connection c, ProjectionId id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT paused FROM pekko_projection_management WHERE projection_name = ? AND projection_key = ?")) {
      ps.setString(1, id.name());
      ps.setString(2, id.key());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  static void setPaused(Connection c, ProjectionId id, boolean paused) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO pekko_projection_management (projection_name, projection_key, paused, last_updated)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (projection_name, projection_key) DO UPDATE SET paused = EXCLUDED.paused, last_updated = EXCLUDED.last_updated
            """)) {
      ps.setString(1, id.name());
      ps.setString(2, id.key());
      ps.setBoolean(3, paused);
      ps.setLong(4, System.currentTimeMillis());
      ps.executeUpdate();
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
