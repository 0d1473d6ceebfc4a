package io.readside.projections.dailysales;

import io.readside.events.CartEvent;
import io.readside.projections.SequencedEvent;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The only class that writes read_model.daily_sales_by_slice: per UTC day of checkout, adds the
 * group's checkouts, items and revenue to the slice's row. Exactly once through the offset
 * transaction; not replay-safe, so it is rebuilt rather than rewound.
 */
public final class DailySalesRepository {
  private DailySalesRepository() {}

  private record Sales(long checkouts, long itemsSold, long revenueCents) {
    Sales plus(Sales other) {
      return new Sales(checkouts + other.checkouts, itemsSold + other.itemsSold, revenueCents + other.revenueCents);
    }
  }

  public static void apply(Connection c, int slice, List<SequencedEvent> events) throws SQLException {
    Map<LocalDate, Sales> byDay = new TreeMap<>();
    for (SequencedEvent se : events) {
      switch (se.event()) {
        case CartEvent.CheckedOut e ->
            byDay.merge(
                LocalDate.ofInstant(e.at(), ZoneOffset.UTC),
                new Sales(1, e.totalQuantity(), e.totalCents()),
                Sales::plus);
        case CartEvent.ItemAdded e -> {}
        case CartEvent.ItemQuantityAdjusted e -> {}
        case CartEvent.ItemRemoved e -> {}
      }
    }
    if (byDay.isEmpty()) {
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
      for (Map.Entry<LocalDate, Sales> e : byDay.entrySet()) {
        ps.setDate(1, Date.valueOf(e.getKey()));
        ps.setInt(2, slice);
        ps.setLong(3, e.getValue().checkouts());
        ps.setLong(4, e.getValue().itemsSold());
        ps.setLong(5, e.getValue().revenueCents());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
