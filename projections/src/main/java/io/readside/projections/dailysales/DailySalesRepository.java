package io.readside.projections.dailysales;

import io.readside.projections.dailysales.DailySalesHandler.Changes;
import io.readside.projections.dailysales.DailySalesHandler.DaySales;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The only class that writes read_model.daily_sales_by_slice: adds the group's per-day sales to
 * the slice's rows. Exactly once through the offset transaction; not replay-safe, so it is
 * rebuilt rather than rewound.
 */
public final class DailySalesRepository {
  private DailySalesRepository() {}

  public static void write(Connection c, int slice, Changes changes) throws SQLException {
    if (changes.days().isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO daily_sales_by_slice AS d (day, slice, checkouts, items_sold, revenue_cents)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (day, slice) DO UPDATE SET
                   checkouts = d.checkouts + EXCLUDED.checkouts,
                   items_sold = d.items_sold + EXCLUDED.items_sold,
                   revenue_cents = d.revenue_cents + EXCLUDED.revenue_cents
            """)) {
      for (DaySales sales : changes.days()) {
        ps.setDate(1, Date.valueOf(sales.day()));
        ps.setInt(2, slice);
        ps.setLong(3, sales.checkouts());
        ps.setLong(4, sales.itemsSold());
        ps.setLong(5, sales.revenueCents());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
