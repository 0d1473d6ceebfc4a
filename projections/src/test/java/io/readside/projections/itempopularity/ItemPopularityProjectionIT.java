package io.readside.projections.itempopularity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.readside.events.CartEvent;
import io.readside.events.CartEvent.ItemAdded;
import io.readside.platform.TestSql;
import io.readside.projections.ProjectionRig;
import io.readside.projections.Projections;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** item-popularity on PostgreSQL, through the worker's machinery. */
class ItemPopularityProjectionIT {
  private static ProjectionRig rig;

  @BeforeAll
  static void start() {
    rig = ProjectionRig.start(ItemPopularityProjectionIT.class);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  private static final List<Map<String, Object>> THREE_CARTS =
      List.of(
          Map.of("item_id", "apple", "quantity_in_carts", 5L, "quantity_checked_out", 3L),
          Map.of("item_id", "pear", "quantity_in_carts", 0L, "quantity_checked_out", 1L),
          Map.of("item_id", "plum", "quantity_in_carts", 0L, "quantity_checked_out", 1L));

  @Test
  void countsQuantitiesInOpenCartsAndCheckedOut() {
    rig.run(Projections.ITEM_POPULARITY, 3, ProjectionRig.threeCarts(), () -> assertEquals(THREE_CARTS, rows(3)));
  }

  /**
   * Additive, so not replay-safe: what makes a redelivery harmless is the offset, committed in the
   * rows' transaction. A restarted instance is handed the whole journal again plus one new event;
   * only the new one is counted.
   */
  @Test
  void anEnvelopeDeliveredAgainAfterARestartIsCountedOnce() {
    List<EventEnvelope<CartEvent>> journal = ProjectionRig.threeCarts();
    rig.run(Projections.ITEM_POPULARITY, 4, journal, () -> assertEquals(THREE_CARTS, rows(4)));
    List<EventEnvelope<CartEvent>> again = new ArrayList<>(journal);
    again.add(ProjectionRig.envelope(journal.size() + 1, 1, new ItemAdded("d", "kiwi", 2, 30, ProjectionRig.DAY2)));
    List<Map<String, Object>> expected = new ArrayList<>(THREE_CARTS);
    expected.add(1, Map.of("item_id", "kiwi", "quantity_in_carts", 2L, "quantity_checked_out", 0L));
    rig.run(Projections.ITEM_POPULARITY, 4, again, () -> assertEquals(expected, rows(4)));
  }

  private static List<Map<String, Object>> rows(int slice) {
    return TestSql.rows(
        rig.db(),
        "SELECT item_id, quantity_in_carts, quantity_checked_out FROM read_model.item_popularity_by_slice WHERE slice = ? ORDER BY item_id",
        slice);
  }
}
