package io.readside.projections.itempopularity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.readside.events.CartEvent.ItemAdded;
import io.readside.platform.TestSql;
import io.readside.projections.ProjectionRig;
import io.readside.projections.Projections;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** item-popularity on PostgreSQL, through the worker's machinery. */
class ItemPopularityProjectionIT {
  @RegisterExtension static final ProjectionRig rig = ProjectionRig.withMigrations();

  private static final List<Map<String, Object>> THREE_CARTS =
      List.of(
          Map.of("item_id", "apple", "quantity_in_carts", 5L, "quantity_checked_out", 3L),
          Map.of("item_id", "pear", "quantity_in_carts", 0L, "quantity_checked_out", 1L),
          Map.of("item_id", "plum", "quantity_in_carts", 0L, "quantity_checked_out", 1L));

  @Test
  void countsQuantitiesInOpenCartsAndCheckedOut() {
    rig.run(Projections.ITEM_POPULARITY, 3, ProjectionRig.threeCarts(), () -> assertEquals(THREE_CARTS, rows(3)));
  }

  /** Additive, so not replay-safe: the offset committed with the rows makes a redelivery count once. */
  @Test
  void anEnvelopeDeliveredAgainAfterARestartIsCountedOnce() {
    List<Map<String, Object>> withKiwi = new ArrayList<>(THREE_CARTS);
    withKiwi.add(1, Map.of("item_id", "kiwi", "quantity_in_carts", 2L, "quantity_checked_out", 0L));
    rig.runThenRedeliverWith(
        Projections.ITEM_POPULARITY, 4, ProjectionRig.threeCarts(), new ItemAdded("d", "kiwi", 2, 30, ProjectionRig.DAY2),
        () -> rows(4), THREE_CARTS, withKiwi);
  }

  private static List<Map<String, Object>> rows(int slice) {
    return TestSql.rows(
        rig.db(),
        "SELECT item_id, quantity_in_carts, quantity_checked_out FROM read_model.item_popularity_by_slice WHERE slice = ? ORDER BY item_id",
        slice);
  }
}
