package io.readside.projections.itempopularity;

import io.readside.events.CartEvent;
import io.readside.projections.SequencedEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The only class that writes read_model.item_popularity_by_slice. Adds each group's per-item
 * deltas to the slice's rows; exactly once because the offset commits in the same transaction.
 * Not replay-safe (a replayed event would count twice): it is rebuilt, never rewound.
 */
public final class ItemPopularityRepository {
  private ItemPopularityRepository() {}

  private record Delta(long inCarts, long checkedOut) {
    Delta plus(Delta other) {
      return new Delta(inCarts + other.inCarts, checkedOut + other.checkedOut);
    }
  }

  public static void apply(Connection c, int slice, List<SequencedEvent> events) throws SQLException {
    // Sorted by item: concurrent slices then lock rows in one order (no deadlocks between them).
    Map<String, Delta> deltas = new TreeMap<>();
    for (SequencedEvent se : events) {
      switch (se.event()) {
        case CartEvent.ItemAdded e -> deltas.merge(e.itemId(), new Delta(e.quantity(), 0), Delta::plus);
        case CartEvent.ItemQuantityAdjusted e ->
            deltas.merge(e.itemId(), new Delta(e.newQuantity() - e.oldQuantity(), 0), Delta::plus);
        case CartEvent.ItemRemoved e -> deltas.merge(e.itemId(), new Delta(-e.oldQuantity(), 0), Delta::plus);
        case CartEvent.CheckedOut e ->
            e.lines().forEach(l -> deltas.merge(l.itemId(), new Delta(-l.quantity(), l.quantity()), Delta::plus));
      }
    }
    if (deltas.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO item_popularity_by_slice AS p
                   (item_id, slice, quantity_in_carts, quantity_checked_out)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (item_id, slice) DO UPDATE SET
                   quantity_in_carts = p.quantity_in_carts + EXCLUDED.quantity_in_carts,
                   quantity_checked_out = p.quantity_checked_out + EXCLUDED.quantity_checked_out
            """)) {
      for (Map.Entry<String, Delta> e : deltas.entrySet()) {
        ps.setString(1, e.getKey());
        ps.setInt(2, slice);
        ps.setLong(3, e.getValue().inCarts());
        ps.setLong(4, e.getValue().checkedOut());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
