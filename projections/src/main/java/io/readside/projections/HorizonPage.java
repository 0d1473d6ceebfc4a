package io.readside.projections;

import io.readside.events.CartEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.pekko.serialization.Serialization;

/** One page of a slice's events for {@link HorizonSourceProvider}: after an offset, below the horizon, in order. */
final class HorizonPage {
  /**
   * The page, by migration V25's function: it reads the (tag, tx_id, event_id) index in order and
   * stops after LIMIT rows whatever the statistics say (its own SET enable_bitmapscan/enable_sort
   * off; without them, right after a bulk of writes autovacuum has not analyzed yet, the planner
   * picked a bitmap scan that fetched and sorted every row of the slice past the offset on each
   * poll: 16 ms a 500-row page at 7,500 rows a slice, 1 ms in index order). One autocommit
   * statement: read-only, no transaction id, so it holds no horizon back.
   */
  static final String QUERY = "SELECT * FROM readside_horizon_page(?, CAST(? AS xid8), ?, ?)";

  static List<HorizonEnvelope> read(DataSource pool, String tag, HorizonOffset after, int batchSize, Serialization serialization) {
    try (Connection c = pool.getConnection()) {
      return page(c, tag, after, batchSize, serialization);
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
