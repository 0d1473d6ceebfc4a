package io.readside.projections;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * A read model fed from the cart journal: its ProjectionId name, the writer (a pure handler and
 * its repository, {@link SliceWriter#of}) that turns a group of a slice's events into its tables,
 * the table whose rows belong to a slice (so one slice can be rebuilt alone), and whether
 * replaying events it has applied already is harmless (then it may be rewound; otherwise only
 * rebuilt). {@code tables} are the read_model tables its writer fills, named unqualified as the
 * writer names them; {@code verify} replays into copies of them and compares each with the live
 * one. {@code scratchTables} are written too but not compared (what they hold depends on when,
 * not on what: cart-summary's gaps record when a hole was seen).
 */
public record ReadModelProjection(
    String name, SliceWriter writer, String sliceTable, boolean replaySafe, List<String> tables, List<String> scratchTables) {

  public ReadModelProjection {
    if (!sliceTable.matches("read_model\\.[a-z_]+")) {
      throw new IllegalArgumentException("slice table must be a read_model table: " + sliceTable);
    }
    tables = List.copyOf(tables);
    scratchTables = List.copyOf(scratchTables);
    for (String table : java.util.stream.Stream.concat(tables.stream(), scratchTables.stream()).toList()) {
      if (!table.matches("[a-z_]+")) {
        throw new IllegalArgumentException("tables are named without their schema: " + table);
      }
    }
    if (!tables.contains(sliceTable.substring("read_model.".length()))) {
      throw new IllegalArgumentException("the slice table must be one of the compared tables: " + sliceTable);
    }
  }

  /** Every table its writer fills: the compared ones, then the scratch ones (parents before children). */
  public List<String> writtenTables() {
    return java.util.stream.Stream.concat(tables.stream(), scratchTables.stream()).toList();
  }

  /** Deletes this slice's rows (rows that hang off them go by ON DELETE CASCADE). */
  public int deleteSlice(Connection c, int slice) throws SQLException {
    // The table name is a constant of the projection's definition, checked above; slice is bound.
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + sliceTable + " WHERE slice = ?")) {
      ps.setInt(1, slice);
      return ps.executeUpdate();
    }
  }
}
