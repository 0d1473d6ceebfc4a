package io.readside.projections.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.projection.ProjectionId;

/**
 * The owner of pekko-projection-jdbc's offset and management rows (pekko_projection_offset_store,
 * pekko_projection_management) in Readside's code: every write outside the library is here, so
 * operations work when an instance is not running. Offsets of eventsByTag are journal orderings
 * (manifest SEQ), of the horizon source "tx_id:ordering" (STR).
 */
public final class OffsetStore {
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
      ps.setString(4, manifest(position));
      ps.setLong(5, System.currentTimeMillis());
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

  /** Rewrites stored offsets in place, each as its source stores it (an offset migration, the worker stopped). */
  static void replacePositions(Connection c, Map<ProjectionId, SlicePosition> positions) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        UPDATE pekko_projection_offset_store SET current_offset = ?, manifest = ?, last_updated = ?
         WHERE projection_name = ? AND projection_key = ?""")) {
      for (Map.Entry<ProjectionId, SlicePosition> e : positions.entrySet()) {
        ps.setString(1, e.getValue().text());
        ps.setString(2, manifest(e.getValue()));
        ps.setLong(3, System.currentTimeMillis());
        ps.setString(4, e.getKey().name());
        ps.setString(5, e.getKey().key());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Forgets every offset of every projection (the benchmark's reset, with every projection emptied). */
  public static void clearAll(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM pekko_projection_offset_store")) {
      ps.executeUpdate();
    }
  }

  private static String manifest(SlicePosition position) {
    return switch (position) {
      case SlicePosition.Ordering o -> "SEQ";
      case SlicePosition.Horizon h -> "STR";
    };
  }
}
