package io.readside.projections;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A read model fed from the cart journal: its ProjectionId name, the repository that folds a group
 * of a slice's events into its tables, the table whose rows belong to a slice (so one slice can be
 * rebuilt alone), and whether replaying events it has applied already is harmless (then it may be
 * rewound; otherwise only rebuilt).
 */
public record ReadModelProjection(String name, SliceWriter writer, String sliceTable, boolean replaySafe) {

  public ReadModelProjection {
    if (!sliceTable.matches("read_model\\.[a-z_]+")) {
      throw new IllegalArgumentException("slice table must be a read_model table: " + sliceTable);
    }
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
