package io.readside.projections.admin;

import io.readside.platform.RowMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * What holds the horizon source back: the horizon is pg_snapshot_xmin(pg_current_snapshot()), the
 * oldest transaction of the whole server that has an id and is still running. Rows of later
 * transactions wait for it. Read-only transactions (no backend_xid) hold nothing. A prepared
 * (two-phase) transaction holds it too but has no backend: then only the horizon is shown.
 */
record HorizonHold(
    String horizon, String heldByTxId, Integer pid, String application, String state, Instant xactStart,
    Instant queryStart, double heldSeconds, String description) {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  static HorizonHold read(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT pg_snapshot_xmin(pg_current_snapshot())::text, a.backend_xid::text, a.pid, a.application_name, a.state,
               a.xact_start, a.query_start, EXTRACT(EPOCH FROM clock_timestamp() - a.xact_start)::float8
          FROM (SELECT 1) one
          LEFT JOIN LATERAL (
            SELECT * FROM pg_stat_activity
             WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
             ORDER BY age(backend_xid) DESC LIMIT 1) a ON true
        """); ResultSet rs = ps.executeQuery()) {
      rs.next();
      String xid = rs.getString(2);
      if (xid == null) {
        return new HorizonHold(rs.getString(1), null, null, null, null, null, null, 0, "not held: no transaction with an id is running");
      }
      Instant started = RowMapper.instant(rs, 6);
      double held = Math.max(0, rs.getDouble(8));
      String description = String.format("held by transaction %s (pid %d%s) since %s, %.0f s", xid, rs.getInt(3),
          rs.getString(4) == null || rs.getString(4).isEmpty() ? "" : ", " + rs.getString(4),
          started == null ? "?" : TIME.format(started), held);
      return new HorizonHold(rs.getString(1), xid, rs.getInt(3), rs.getString(4), rs.getString(5), started,
          RowMapper.instant(rs, 7), held, description);
    }
  }
}
