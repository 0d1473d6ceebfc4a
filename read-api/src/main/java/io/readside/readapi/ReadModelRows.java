package io.readside.readapi;

import io.readside.platform.RowMapper;
import io.readside.readapi.ReadModel.Cart;
import io.readside.readapi.ReadModel.CartRow;
import io.readside.readapi.ReadModel.DailySales;
import io.readside.readapi.ReadModel.Line;
import io.readside.readapi.ReadModel.PopularItem;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One row mapper per read model: the only place the query tables' columns are read. */
final class ReadModelRows {
  private ReadModelRows() {}

  /** read_model.cart_summary. */
  static final RowMapper<CartRow> CART_ROW = rs -> new CartRow(
      rs.getString("cart_id"), rs.getString("status"), rs.getInt("line_count"), rs.getInt("total_quantity"),
      rs.getLong("total_cents"), rs.getLong("last_seq_nr"), RowMapper.instant(rs, "updated_at"));

  /** read_model.cart_line. */
  static final RowMapper<Line> LINE = rs -> new Line(rs.getString("item_id"), rs.getInt("quantity"), rs.getLong("unit_price_cents"));

  /** read_model.item_popularity_total. */
  static final RowMapper<PopularItem> POPULAR_ITEM =
      rs -> new PopularItem(rs.getString("item_id"), rs.getLong("quantity_in_carts"), rs.getLong("quantity_checked_out"));

  /** read_model.daily_sales. */
  static final RowMapper<DailySales> DAILY_SALES = rs -> new DailySales(
      rs.getDate("day").toLocalDate(), rs.getLong("checkouts"), rs.getLong("items_sold"), rs.getLong("revenue_cents"));

  /**
   * A cart from its summary joined with its lines, positioned on the first row: the summary once,
   * a line per row (a cart without lines is one row with NULL line columns).
   */
  static Cart cart(ResultSet rs) throws SQLException {
    CartRow summary = CART_ROW.map(rs);
    Instant createdAt = RowMapper.instant(rs, "created_at");
    Instant checkedOutAt = RowMapper.instant(rs, "checked_out_at");
    List<Line> lines = new ArrayList<>();
    do {
      if (rs.getString("item_id") != null) {
        lines.add(LINE.map(rs));
      }
    } while (rs.next());
    return new Cart(summary.cartId(), summary.status(), List.copyOf(lines), summary.lineCount(), summary.totalQuantity(),
        summary.totalCents(), summary.seqNr(), createdAt, summary.updatedAt(), checkedOutAt);
  }
}
