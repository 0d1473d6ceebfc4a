package io.readside.projections.itempopularity;

import io.readside.projections.itempopularity.ItemPopularityHandler.Changes;
import io.readside.projections.itempopularity.ItemPopularityHandler.ItemDelta;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The only class that writes read_model.item_popularity_by_slice. Adds each group's per-item
 * deltas to the slice's rows; exactly once because the offset commits in the same transaction.
 * Not replay-safe (a replayed event would count twice): it is rebuilt, never rewound.
 */
public final class ItemPopularityRepository {
  private ItemPopularityRepository() {}

  public static void write(Connection c, int slice, Changes changes) throws SQLException {
    if (changes.items().isEmpty()) {
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
      // In the handler's order (by item), so concurrent slices lock rows in one order.
      for (ItemDelta delta : changes.items()) {
        ps.setString(1, delta.itemId());
        ps.setInt(2, slice);
        ps.setLong(3, delta.inCarts());
        ps.setLong(4, delta.checkedOut());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
