package io.readside.projections.admin;

import io.readside.platform.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The only class that touches readside_admin_audit: every admin action, who did it, and what moved. */
final class AdminAudit {
  private AdminAudit() {}

  record Entry(
      long id, Instant at, String action, String projection, Object arguments, Object offsetsBefore,
      Object offsetsAfter, String tokenId, String outcome) {}

  static void record(
      Connection c, String action, String projection, Object arguments, Object before, Object after, String tokenId, String outcome)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO readside_admin_audit (action, projection_name, arguments, offsets_before, offsets_after, token_id, outcome)
            VALUES (?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?)
            """)) {
      ps.setString(1, action);
      ps.setString(2, projection);
      ps.setString(3, Json.write(arguments));
      ps.setString(4, before == null ? null : Json.write(before));
      ps.setString(5, after == null ? null : Json.write(after));
      ps.setString(6, tokenId);
      ps.setString(7, outcome);
      ps.executeUpdate();
    }
  }

  static List<Entry> list(Connection c, int limit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            SELECT id, at, action, projection_name, arguments::text, offsets_before::text, offsets_after::text, token_id, outcome
              FROM readside_admin_audit ORDER BY id DESC LIMIT ?
            """)) {
      ps.setInt(1, limit);
      List<Entry> entries = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          entries.add(
              new Entry(
                  rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4), Json.parse(rs.getString(5)),
                  Json.parse(rs.getString(6)), Json.parse(rs.getString(7)), rs.getString(8), rs.getString(9)));
        }
      }
      return entries;
    }
  }
}
