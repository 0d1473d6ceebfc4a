package io.readside.projections.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.readside.platform.Json;
import io.readside.projections.ReadModelProjection;
import io.readside.projections.admin.ProjectionVerify.Difference;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The row-by-row comparison of {@link ProjectionVerify}: a slice's live rows against the replayed copies. */
final class RowComparison {
  private RowComparison() {}

  /**
   * The live rows of the slice against the replayed ones, matched on the primary key; a row on one
   * side only is a difference too. A table without a slice column belongs to the slice through the
   * slice table's key (cart_line through cart_summary.cart_id).
   */
  static List<Difference> compare(Connection c, ReadModelProjection projection, String table, int slice)
      throws SQLException {
    List<String> key = primaryKey(c, "read_model." + table);
    String liveRows;
    if (hasColumn(c, table, "slice")) {
      liveRows = "SELECT * FROM read_model." + table + " WHERE slice = ?";
    } else {
      String sliceKey = primaryKey(c, projection.sliceTable()).getFirst();
      liveRows = "SELECT * FROM read_model." + table + " WHERE " + sliceKey + " IN (SELECT " + sliceKey + " FROM "
          + projection.sliceTable() + " WHERE slice = ?)";
    }
    // Names come from the catalog and the projection's definition; the slice is bound.
    StringBuilder on = new StringBuilder();
    StringBuilder order = new StringBuilder();
    for (String k : key) {
      on.append(on.isEmpty() ? "" : " AND ").append("l.").append(k).append(" = r.").append(k);
      order.append(order.isEmpty() ? "" : ", ").append("coalesce(l.").append(k).append(", r.").append(k).append(")");
    }
    String sql = "SELECT to_jsonb(l)::text, to_jsonb(r)::text FROM (" + liveRows + ") l FULL OUTER JOIN pg_temp." + table
        + " r ON " + on + " WHERE to_jsonb(l) IS DISTINCT FROM to_jsonb(r) ORDER BY " + order;
    List<Difference> differences = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, slice);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          differences.add(difference(table, slice, key, parse(rs.getString(1)), parse(rs.getString(2))));
        }
      }
    }
    return differences;
  }

  private static Difference difference(String table, int slice, List<String> key, JsonNode live, JsonNode replayed) {
    JsonNode either = live != null ? live : replayed;
    Map<String, JsonNode> keyValues = new LinkedHashMap<>();
    for (String k : key) {
      keyValues.put(k, either.get(k));
    }
    List<String> columns = new ArrayList<>();
    if (live != null && replayed != null) {
      for (Iterator<String> names = live.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!Objects.equals(live.get(name), replayed.get(name))) {
          columns.add(name);
        }
      }
    }
    return new Difference("read_model." + table, slice, keyValues, columns, live, replayed);
  }

  private static JsonNode parse(String json) {
    if (json == null) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("PostgreSQL returned JSON that does not parse: " + e.getMessage(), e);
    }
  }

  private static List<String> primaryKey(Connection c, String table) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            SELECT a.attname FROM pg_index i
              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
             WHERE i.indrelid = ?::regclass AND i.indisprimary
             ORDER BY array_position(i.indkey::int2[], a.attnum)
            """)) {
      ps.setString(1, table);
      List<String> columns = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
      if (columns.isEmpty()) {
        throw new IllegalStateException(table + " has no primary key to compare rows by");
      }
      return columns;
    }
  }

  private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = 'read_model' AND table_name = ? AND column_name = ?")) {
      ps.setString(1, table);
      ps.setString(2, column);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
