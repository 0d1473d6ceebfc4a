package io.readside.projections;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.apache.pekko.projection.ProjectionId;

/**
 * The owner of readside_projection_slice: every write to it is here. {@link SliceStatusRecorder}
 * records where instances run, their heartbeat and last error; an admin rebuild records the head
 * it replays to. Each write is an upsert, so a slice's row exists from its first write on.
 */
public final class SliceStatusTable {
  private SliceStatusTable() {}

  static void started(Connection c, ProjectionId id, String node) throws SQLException {
    execute(c, id, node,
        """
        INSERT INTO readside_projection_slice (projection_name, projection_key, node, started_at, heartbeat_at, stopped_at)
        VALUES (?, ?, ?, now(), now(), NULL)
        ON CONFLICT (projection_name, projection_key) DO UPDATE SET
               node = EXCLUDED.node, started_at = now(), heartbeat_at = now(), stopped_at = NULL
        """);
  }

  static void stopped(Connection c, ProjectionId id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO readside_projection_slice (projection_name, projection_key, stopped_at, heartbeat_at)
            VALUES (?, ?, now(), NULL)
            ON CONFLICT (projection_name, projection_key) DO UPDATE SET stopped_at = now(), heartbeat_at = NULL
            """)) {
      ps.setString(1, id.name());
      ps.setString(2, id.key());
      ps.executeUpdate();
    }
  }

  static void failed(Connection c, ProjectionId id, String error) throws SQLException {
    execute(c, id, error,
        """
        INSERT INTO readside_projection_slice (projection_name, projection_key, last_error, last_error_at)
        VALUES (?, ?, ?, now())
        ON CONFLICT (projection_name, projection_key) DO UPDATE SET last_error = EXCLUDED.last_error, last_error_at = now()
        """);
  }

  private static void execute(Connection c, ProjectionId id, String value, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, id.name());
      ps.setString(2, id.key());
      ps.setString(3, value);
      ps.executeUpdate();
    }
  }

  /** One statement for all of a node's running instances (rows exist from their start). */
  static void heartbeat(Connection c, String node, List<ProjectionId> ids) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            UPDATE readside_projection_slice s SET node = ?, heartbeat_at = now()
              FROM unnest(?::text[], ?::text[]) AS r(name, key)
             WHERE s.projection_name = r.name AND s.projection_key = r.key
            """)) {
      ps.setString(1, node);
      ps.setArray(2, c.createArrayOf("text", ids.stream().map(ProjectionId::name).toArray()));
      ps.setArray(3, c.createArrayOf("text", ids.stream().map(ProjectionId::key).toArray()));
      ps.executeUpdate();
    }
  }

  /** Every instance still marked as running on the node, recorded as stopped. */
  static void nodeStopped(Connection c, String node) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE readside_projection_slice SET stopped_at = now(), heartbeat_at = NULL WHERE node = ? AND stopped_at IS NULL")) {
      ps.setString(1, node);
      ps.executeUpdate();
    }
  }

  /** A rebuild of the slice began: it replays {@code events} events up to the journal ordering {@code target}. */
  public static void rebuildStarted(Connection c, ProjectionId id, long target, long events) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO readside_projection_slice (projection_name, projection_key, rebuild_started_at, rebuild_target, rebuild_events)
            VALUES (?, ?, now(), ?, ?)
            ON CONFLICT (projection_name, projection_key) DO UPDATE SET
                   rebuild_started_at = now(), rebuild_target = EXCLUDED.rebuild_target, rebuild_events = EXCLUDED.rebuild_events
            """)) {
      ps.setString(1, id.name());
      ps.setString(2, id.key());
      ps.setLong(3, target);
      ps.setLong(4, events);
      ps.executeUpdate();
    }
  }
}
