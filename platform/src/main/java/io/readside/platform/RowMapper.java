package io.readside.platform;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the current row of a result set into one value, by column name: one mapper per read model,
 * used by every query that reads that model, so its columns are read in one place.
 */
@FunctionalInterface
public interface RowMapper<T> {
  T map(ResultSet rs) throws SQLException;

  /** Every remaining row. */
  default List<T> all(ResultSet rs) throws SQLException {
    List<T> values = new ArrayList<>();
    while (rs.next()) {
      values.add(map(rs));
    }
    return values;
  }

  /** A nullable timestamp column as an instant. */
  static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
  }

  /** A nullable timestamp column, by its 1-based index, as an instant. */
  static Instant instant(ResultSet rs, int column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
  }
}
