package io.readside.projections.dailysales;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.readside.events.CartEvent.CheckedOut;
import io.readside.events.CartEvent.CheckedOutLine;
import io.readside.platform.TestSql;
import io.readside.projections.ProjectionRig;
import io.readside.projections.Projections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** daily-sales on PostgreSQL, through the worker's machinery. */
class DailySalesProjectionIT {
  @RegisterExtension static final ProjectionRig rig = ProjectionRig.withMigrations();

  private static final List<Map<String, Object>> THREE_CARTS =
      List.of(
          Map.of("day", "2026-11-29", "checkouts", 1L, "items_sold", 4L, "revenue_cents", 350L),
          Map.of("day", "2026-11-30", "checkouts", 1L, "items_sold", 1L, "revenue_cents", 20L));

  @Test
  void sumsCheckoutsPerUtcDay() {
    rig.run(Projections.DAILY_SALES, 3, ProjectionRig.threeCarts(), () -> assertEquals(THREE_CARTS, rows(3)));
  }

  /** Additive: the offset committed with the rows keeps a redelivered checkout from counting twice. */
  @Test
  void aCheckoutDeliveredAgainAfterARestartIsCountedOnce() {
    rig.runThenRedeliverWith(
        Projections.DAILY_SALES, 4, ProjectionRig.threeCarts(),
        new CheckedOut("d", List.of(new CheckedOutLine("kiwi", 2, 30)), 2, 60, ProjectionRig.DAY2),
        () -> rows(4), THREE_CARTS,
        List.of(THREE_CARTS.get(0), Map.of("day", "2026-11-30", "checkouts", 2L, "items_sold", 3L, "revenue_cents", 80L)));
  }

  private static List<Map<String, Object>> rows(int slice) {
    return TestSql.rows(
        rig.db(),
        "SELECT day::text AS day, checkouts, items_sold, revenue_cents FROM read_model.daily_sales_by_slice WHERE slice = ? ORDER BY day",
        slice);
  }
}
