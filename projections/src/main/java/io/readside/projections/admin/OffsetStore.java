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

  static Optional<Long> offset(Connection c, ProjectionId id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT current_offset FROM pekko_projection_offset_store WHERE projection_name = ? AND projection_key = ? AND manifest = 'SEQ'")) {
      ps.setString(1, id.name());
      ps.setString(2, id.key());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(Long.parseLong(rs.getString(1))) : Optional.empty();
      }
    }
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
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO pekko_projection_offset_store
                   (projection_name, projection_key, current_offset, manifest, mergeable, last_updated)
            VALUES (?, ?, ?, 'SEQ', false, ?)
            ON CONFLICT (projection_name, projection_key) DO UPDATE SET
                   current_offset = EXCLUDED.current_offset, manifest = 'SEQ', mergeable = false,
                   last_updated = EXCLUDED.last_updated
            """)) {
      ps.setString(1, id.name());
      ps.setString(2, id.key());
      ps.setString(3, Long.toString(offset));
      ps.setLong(4, System.currentTimeMillis());
      ps.executeUpdate();
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
