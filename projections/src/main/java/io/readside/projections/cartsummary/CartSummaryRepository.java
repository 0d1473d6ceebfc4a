package io.readside.projections.cartsummary;

import io.readside.projections.SequencedEvent;
import io.readside.projections.cartsummary.CartSummaryHandler.Cart;
import io.readside.projections.cartsummary.CartSummaryHandler.Changes;
import io.readside.projections.cartsummary.CartSummaryHandler.Gap;
import io.readside.projections.cartsummary.CartSummaryHandler.Line;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The only class that touches read_model.cart_summary and read_model.cart_line: it reads how far
 * each cart was applied (what {@link CartSummaryHandler} needs to skip a replay) and writes the
 * handler's changes, every one guarded by the cart's sequence number. Table names are
 * unqualified: the connection's search_path says where they are (read_model for the worker, a
 * verification's temporary copies for `readside verify`).
 */
public final class CartSummaryRepository {
  private CartSummaryRepository() {}

  public static void write(Connection c, int slice, Changes changes) throws SQLException {
    if (changes.isEmpty()) {
      return;
    }
    upsertSummaries(c, slice, changes.carts());
    writeLines(c, changes.lines());
    recomputeTotals(c, changes.carts().stream().map(Cart::cartId).toArray(String[]::new));
    recordGaps(c, changes.gaps());
  }

  /** Each of the group's carts' last applied sequence number (carts not yet in the table are absent). */
  public static Map<String, Long> appliedSeqNrs(Connection c, List<SequencedEvent> events) throws SQLException {
    String[] cartIds = events.stream().map(e -> e.event().cartId()).distinct().sorted().toArray(String[]::new);
    Map<String, Long> applied = new HashMap<>();
    try (PreparedStatement ps =
        // FOR UPDATE: a concurrent writer of the same carts (which fencing should make impossible)
        // waits here and then sees what this one applied, so no cart ever moves backwards.
        // Sorted ids lock in one order, so two groups cannot deadlock on each other.
        c.prepareStatement(
            "SELECT cart_id, last_seq_nr FROM cart_summary WHERE cart_id = ANY (?) ORDER BY cart_id FOR UPDATE")) {
      ps.setArray(1, c.createArrayOf("text", cartIds));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          applied.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return applied;
  }

  private static void upsertSummaries(Connection c, int slice, List<Cart> carts) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO cart_summary AS s
                   (cart_id, slice, status, last_seq_nr, created_at, updated_at, checked_out_at)
            VALUES (?, ?, CASE WHEN ?::timestamptz IS NULL THEN 'open' ELSE 'checked_out' END, ?, ?, ?, ?)
            ON CONFLICT (cart_id) DO UPDATE SET
                   last_seq_nr = EXCLUDED.last_seq_nr,
                   updated_at = EXCLUDED.updated_at,
                   checked_out_at = COALESCE(EXCLUDED.checked_out_at, s.checked_out_at),
                   status = CASE WHEN COALESCE(EXCLUDED.checked_out_at, s.checked_out_at) IS NULL
                                 THEN 'open' ELSE 'checked_out' END
             WHERE s.last_seq_nr < EXCLUDED.last_seq_nr
            """)) {
      for (Cart change : carts) {
        Timestamp checkedOut = change.checkedOutAt() == null ? null : Timestamp.from(change.checkedOutAt());
        ps.setString(1, change.cartId());
        ps.setInt(2, slice);
        ps.setTimestamp(3, checkedOut);
        ps.setLong(4, change.lastSeqNr());
        ps.setTimestamp(5, Timestamp.from(change.firstAt()));
        ps.setTimestamp(6, Timestamp.from(change.lastAt()));
        ps.setTimestamp(7, checkedOut);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void writeLines(Connection c, List<Line> lines) throws SQLException {
    try (PreparedStatement upsert =
            c.prepareStatement(
                """
                INSERT INTO cart_line (cart_id, item_id, quantity, unit_price_cents) VALUES (?, ?, ?, ?)
                ON CONFLICT (cart_id, item_id) DO UPDATE
                   SET quantity = EXCLUDED.quantity, unit_price_cents = EXCLUDED.unit_price_cents
                """);
        PreparedStatement setQuantity =
            c.prepareStatement("UPDATE cart_line SET quantity = ? WHERE cart_id = ? AND item_id = ?");
        PreparedStatement delete =
            c.prepareStatement("DELETE FROM cart_line WHERE cart_id = ? AND item_id = ?")) {
      for (Line line : lines) {
        switch (line) {
          case Line.Upsert u -> {
            upsert.setString(1, u.cartId());
            upsert.setString(2, u.itemId());
            upsert.setInt(3, u.quantity());
            upsert.setLong(4, u.unitPriceCents());
            upsert.addBatch();
          }
          case Line.SetQuantity s -> {
            setQuantity.setInt(1, s.quantity());
            setQuantity.setString(2, s.cartId());
            setQuantity.setString(3, s.itemId());
            setQuantity.addBatch();
          }
          case Line.Delete d -> {
            delete.setString(1, d.cartId());
            delete.setString(2, d.itemId());
            delete.addBatch();
          }
        }
      }
      upsert.executeBatch();
      setQuantity.executeBatch();
      delete.executeBatch();
    }
  }

  /**
   * Per cart of the group, its lines through the (cart_id, item_id) key: LATERAL keeps the plan
   * to the group's carts whatever the statistics say (a join with GROUP BY hashed every line of
   * every cart on a freshly written table: O(all lines) a group; issue 13).
   */
  private static void recomputeTotals(Connection c, String[] cartIds) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            UPDATE cart_summary s
               SET line_count = t.line_count, total_quantity = t.total_quantity, total_cents = t.total_cents
              FROM unnest(?::text[]) AS ids(cart_id)
             CROSS JOIN LATERAL (
                    SELECT count(*)::int                                          AS line_count,
                           COALESCE(sum(l.quantity), 0)::int                      AS total_quantity,
                           COALESCE(sum(l.quantity::bigint * l.unit_price_cents), 0)::bigint AS total_cents
                      FROM cart_line l WHERE l.cart_id = ids.cart_id) t
             WHERE s.cart_id = ids.cart_id
            """)) {
      ps.setArray(1, c.createArrayOf("text", cartIds));
      ps.executeUpdate();
    }
  }

  private static void recordGaps(Connection c, List<Gap> gaps) throws SQLException {
    if (gaps.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO cart_summary_gap (cart_id, from_seq_nr, to_seq_nr) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (Gap gap : gaps) {
        ps.setString(1, gap.cartId());
        ps.setLong(2, gap.fromSeqNr());
        ps.setLong(3, gap.toSeqNr());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
