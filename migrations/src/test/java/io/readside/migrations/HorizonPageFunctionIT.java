package io.readside.migrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * V25's readside_horizon_page: a page is the slice's rows after the offset in (tx_id, event_id)
 * order, read by the (tag, tx_id, event_id) index in order (auto_explain reports the plan of the
 * statement inside the function) on a bulk the statistics do not know of, and the function
 * carries the settings that keep it so whatever the statistics say.
 */
class HorizonPageFunctionIT {
  private static final int ROWS = 20_000;

  @Test
  void aPageReadsTheSlicesIndexInOrderWhateverTheStatisticsSay() throws Exception {
    DatabaseSettings db = TestDatabase.freshDatabase(HorizonPageFunctionIT.class);
    Migrations.migrate(db);
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement s = c.createStatement()) {
      // Statistics of empty tables, then a bulk the planner does not know of: four slices, one
      // transaction (so one tx_id: the page's order is then event_id's).
      s.execute("ANALYZE public.event_journal; ANALYZE public.event_tag");
      s.execute("""
          INSERT INTO public.event_journal (persistence_id, sequence_number, writer, write_timestamp,
                                            event_ser_id, event_ser_manifest, event_payload)
          SELECT 'ShoppingCart|c' || (i %% 1000), i / 1000 + 1, 'w', 0, 1, 'm', '\\x00'::bytea
            FROM generate_series(0, %d) i""".formatted(ROWS - 1));
      s.execute("INSERT INTO public.event_tag (event_id, tag, tx_id) SELECT ordering, 'carts-' || (ordering % 4), tx_id FROM public.event_journal");

      s.execute("LOAD 'auto_explain'");
      s.execute("SET auto_explain.log_min_duration = 0");
      s.execute("SET auto_explain.log_nested_statements = on");
      s.execute("SET auto_explain.log_level = notice");
      c.clearWarnings();
      List<Long> page = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT event_id FROM readside_horizon_page('carts-1', CAST(? AS xid8), ?, 100)")) {
        ps.setString(1, "0");
        ps.setLong(2, 0);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            page.add(rs.getLong(1));
          }
        }
        String plans = notices(ps.getWarnings()) + notices(c.getWarnings());
        String inner = plans.substring(Math.max(0, plans.indexOf("SELECT t.tx_id")));
        assertTrue(inner.contains("Scan using event_tag_tag_tx_id_event_id_idx on event_tag"), "the page's plan: " + plans);
        assertFalse(inner.contains("Bitmap") || inner.contains("Sort") || inner.contains("Seq Scan on event_tag"), "the page's plan: " + plans);
      }
      assertEquals(100, page.size());
      // The plan above would be the same without them on these statistics; the settings are the
      // guarantee for the ones that made the planner sort a whole slice (HorizonPage's comment).
      try (ResultSet rs = s.executeQuery(
          "SELECT array_to_string(proconfig, ',') FROM pg_proc WHERE proname = 'readside_horizon_page'")) {
        rs.next();
        assertEquals("enable_bitmapscan=off,enable_sort=off", rs.getString(1));
      }
      for (int i = 1; i < page.size(); i++) {
        assertTrue(page.get(i) > page.get(i - 1) && page.get(i) % 4 == 1, "in order, of the slice: " + page);
      }
    }
  }

  private static String notices(SQLWarning w) {
    StringBuilder all = new StringBuilder();
    for (; w != null; w = w.getNextWarning()) {
      all.append(w.getMessage()).append('\n');
    }
    return all.toString();
  }
}
