package io.readside.projections;

import io.readside.events.CartEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.pekko.serialization.Serialization;

/** One page of a slice's events for {@link HorizonSourceProvider}: after an offset, below the horizon, in order. */
final class HorizonPage {
  static final String QUERY = """
      SELECT t.tx_id::text, t.event_id, j.persistence_id, j.sequence_number, j.event_ser_id,
             j.event_ser_manifest, j.event_payload, j.write_timestamp
        FROM event_tag t JOIN event_journal j ON j.ordering = t.event_id
       WHERE t.tag = ? AND (t.tx_id, t.event_id) > (CAST(? AS xid8), ?)
         AND t.tx_id < pg_snapshot_xmin(pg_current_snapshot())
         AND NOT j.deleted
       ORDER BY t.tx_id, t.event_id
       LIMIT ?""";

  /**
   * The page's plan, whatever the statistics say: the (tag, tx_id, event_id) index read in order,
   * stopping after LIMIT rows. Without this, right after a bulk of writes that autovacuum has not
   * analyzed yet (a catch-up, a rebuild, a seeded journal), the planner estimates a handful of rows
   * past the offset and picks a bitmap scan that fetches and sorts every row of the slice past it
   * on each poll: O(n) a page, O(n²) a catch-up (16 ms a 500-row page at 7,500 rows a slice on
   * PostgreSQL 15, 1 ms with the index order; issue 13).
   */
  static final String INDEX_ORDER = "SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off";

  static List<HorizonEnvelope> read(DataSource pool, String tag, HorizonOffset after, int batchSize, Serialization serialization) {
    try (Connection c = pool.getConnection()) {
      // A transaction only for SET LOCAL: it is read-only and takes no transaction id, so it
      // holds no horizon back.
      c.setAutoCommit(false);
      try (Statement plan = c.createStatement()) {
        plan.execute(INDEX_ORDER);
      }
      List<HorizonEnvelope> page = page(c, tag, after, batchSize, serialization);
      c.commit();
      return page;
    } catch (SQLException e) {
      throw new IllegalStateException(tag + ": horizon poll failed: " + e.getMessage(), e);
    }
  }

  private static List<HorizonEnvelope> page(Connection c, String tag, HorizonOffset after, int batchSize, Serialization serialization)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(QUERY)) {
      ps.setString(1, tag);
      ps.setString(2, Long.toString(after.txId()));
      ps.setLong(3, after.ordering());
      ps.setInt(4, batchSize);
      List<HorizonEnvelope> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Object event = serialization.deserialize(rs.getBytes(7), rs.getInt(5), rs.getString(6)).get();
          out.add(new HorizonEnvelope(Long.parseLong(rs.getString(1)), rs.getLong(2), rs.getString(3), rs.getLong(4),
              (CartEvent) event, rs.getLong(8)));
        }
      }
      return out;
    }
  }

  private HorizonPage() {}
}
