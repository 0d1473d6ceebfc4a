package io.readside.projections.admin;

import io.readside.projections.ReadModelProjection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A projection's copies of its tables in schema {@value #SCHEMA}, which a shadow rebuild writes
 * through the projection's own writer (the writers name their tables unqualified, so
 * {@code search_path} points them at the copies), and the swap of their rows into the live tables.
 * Table names are constants of the projection's definition, checked by ReadModelProjection.
 */
final class ShadowTables {
  static final String SCHEMA = "readside_shadow";

  private ShadowTables() {}

  /** Empty copies of the projection's tables, replacing those a failed rebuild left. */
  static void create(Connection c, ReadModelProjection projection) throws SQLException {
    drop(c, projection);
    try (Statement st = c.createStatement()) {
      for (String table : projection.writtenTables()) {
        st.execute("CREATE TABLE " + SCHEMA + "." + table + " (LIKE read_model." + table + " INCLUDING ALL)");
      }
    }
  }

  static void drop(Connection c, ReadModelProjection projection) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String table : projection.writtenTables()) {
        st.execute("DROP TABLE IF EXISTS " + SCHEMA + "." + table);
      }
    }
  }

  /** Every live row of the projection replaced by the shadow's; parents first, as the tables are listed. */
  static long replaceLiveRows(Connection c, ReadModelProjection projection) throws SQLException {
    List<String> tables = projection.writtenTables();
    long rows = 0;
    try (Statement st = c.createStatement()) {
      // DELETE, not TRUNCATE: readers keep reading the old rows until this commits.
      for (String table : tables.reversed()) {
        st.executeUpdate("DELETE FROM read_model." + table);
      }
      for (String table : tables) {
        rows += st.executeUpdate("INSERT INTO read_model." + table + " SELECT * FROM " + SCHEMA + "." + table);
      }
    }
    return rows;
  }

  /** Runs the write with the copies first on the search path, then puts the path back. */
  static void writeToCopies(Connection c, Transactions.SqlAction write) throws SQLException {
    String livePath = searchPath(c);
    setSearchPath(c, SCHEMA + ", public");
    write.run(c);
    setSearchPath(c, livePath);
  }

  private static String searchPath(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_setting('search_path')")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void setSearchPath(Connection c, String path) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT set_config('search_path', ?, true)")) {
      ps.setString(1, path);
      ps.execute();
    }
  }
}
