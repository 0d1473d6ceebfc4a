package io.readside.projections.itemsremoved;

import io.readside.projections.itemsremoved.ItemsRemovedHandler.Changes;
import io.readside.projections.itemsremoved.ItemsRemovedHandler.Removed;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The only class that writes items_removed_by_slice (unqualified: the search_path finds it).
 * Additive per slice, so exactly once only through the offset committed in the same transaction:
 * rebuilt, never rewound.
 */
public final class ItemsRemovedRepository {
  private ItemsRemovedRepository() {}

  public static void write(Connection c, int slice, Changes changes) throws SQLException {
    if (changes.items().isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO items_removed_by_slice AS r (item_id, slice, removals, quantity_removed)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (item_id, slice) DO UPDATE SET
                   removals = r.removals + EXCLUDED.removals,
                   quantity_removed = r.quantity_removed + EXCLUDED.quantity_removed
            """)) {
      for (Removed removed : changes.items()) {
        ps.setString(1, removed.itemId());
        ps.setInt(2, slice);
        ps.setLong(3, removed.removals());
        ps.setLong(4, removed.quantity());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
