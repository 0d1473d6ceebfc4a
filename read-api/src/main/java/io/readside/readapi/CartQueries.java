package io.readside.readapi;

import io.readside.readapi.ReadModel.Cart;
import io.readside.readapi.ReadModel.CartPage;
import io.readside.readapi.ReadModel.CartRow;
import io.readside.readapi.ReadModel.DailySales;
import io.readside.readapi.ReadModel.PopularItem;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/** Plain, parameterised JDBC over the read model; every method is one short read. */
public final class CartQueries {
  private final DataSource pool;

  public CartQueries(DataSource pool) {
    this.pool = pool;
  }

  /**
   * The cart and its lines in one statement: one snapshot, so lines and totals agree, without a
   * transaction of its own (BEGIN, isolation level, ROLLBACK and the pool's reset were four more
   * round trips per read, and what held GET /carts/{id} under 4,000 requests/s).
   */
  public Optional<Cart> cart(String cartId) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                """
                SELECT s.cart_id, s.status, s.line_count, s.total_quantity, s.total_cents, s.last_seq_nr,
                       s.created_at, s.updated_at, s.checked_out_at, l.item_id, l.quantity, l.unit_price_cents
                  FROM read_model.cart_summary s
                  LEFT JOIN read_model.cart_line l ON l.cart_id = s.cart_id
                 WHERE s.cart_id = ?
                 ORDER BY l.item_id
                """)) {
      ps.setString(1, cartId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(ReadModelRows.cart(rs)) : Optional.empty();
      }
    }
  }

  /** The applied sequence number of each of these carts that has a row: one query for all of them. */
  public Map<String, Long> appliedSeqNrs(Set<String> cartIds) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT cart_id, last_seq_nr FROM read_model.cart_summary WHERE cart_id = ANY(?)")) {
      ps.setArray(1, c.createArrayOf("text", cartIds.toArray()));
      Map<String, Long> applied = new HashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          applied.put(rs.getString(1), rs.getLong(2));
        }
      }
      return applied;
    }
  }

  /** Carts in cart_id order after {@code after}; optionally of one status. */
  public CartPage carts(Optional<String> status, Optional<String> after, int limit) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                """
                SELECT cart_id, status, line_count, total_quantity, total_cents, last_seq_nr, updated_at
                  FROM read_model.cart_summary
                 WHERE (?::text IS NULL OR status = ?) AND (?::text IS NULL OR cart_id > ?)
                 ORDER BY cart_id
                 LIMIT ?
                """)) {
      ps.setString(1, status.orElse(null));
      ps.setString(2, status.orElse(null));
      ps.setString(3, after.orElse(null));
      ps.setString(4, after.orElse(null));
      ps.setInt(5, limit + 1);
      List<CartRow> rows;
      try (ResultSet rs = ps.executeQuery()) {
        rows = ReadModelRows.CART_ROW.all(rs);
      }
      boolean more = rows.size() > limit;
      List<CartRow> page = more ? rows.subList(0, limit) : rows;
      return new CartPage(List.copyOf(page), more ? page.get(page.size() - 1).cartId() : null);
    }
  }

  /** The first entries of item_popularity_total's rank index: as fast with 100,000 items as with 10. */
  public List<PopularItem> popularItems(int limit) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                """
                SELECT item_id, quantity_in_carts, quantity_checked_out
                  FROM read_model.item_popularity_total
                 ORDER BY quantity_checked_out DESC, quantity_in_carts DESC, item_id
                 LIMIT ?
                """)) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        return ReadModelRows.POPULAR_ITEM.all(rs);
      }
    }
  }

  public List<DailySales> dailySales(LocalDate from, LocalDate to) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                """
                SELECT day, checkouts, items_sold, revenue_cents
                  FROM read_model.daily_sales WHERE day BETWEEN ? AND ? ORDER BY day
                """)) {
      ps.setDate(1, Date.valueOf(from));
      ps.setDate(2, Date.valueOf(to));
      try (ResultSet rs = ps.executeQuery()) {
        return ReadModelRows.DAILY_SALES.all(rs);
      }
    }
  }
}
