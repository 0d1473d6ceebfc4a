package io.readside.projections.cartsummary;

import io.readside.events.CartEvent;
import io.readside.projections.SequencedEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The only class that writes read_model.cart_summary and read_model.cart_line. Every change is
 * guarded by the cart's sequence number: an event at or below last_seq_nr was applied already and
 * changes nothing, so a replay (rewind, retry, redelivery) is harmless. Table names are
 * unqualified: the connection's search_path says where they are (read_model for the worker, a
 * verification's temporary copies for `readside verify`).
 */
public final class CartSummaryRepository {
  private CartSummaryRepository() {}

  /** Where a line ends up after a group of events; only the final state per line is written. */
  private sealed interface LineChange {
    record Upsert(int quantity, long unitPriceCents) implements LineChange {}

    record SetQuantity(int quantity) implements LineChange {}

    record Delete() implements LineChange {}
  }

  private record LineKey(String cartId, String itemId) {}

  /** A cart's summary fields after the group; totals are recomputed from its lines. */
  private record CartChange(long lastSeqNr, Instant firstAt, Instant lastAt, Instant checkedOutAt) {
    CartChange then(long seqNr, Instant at, Instant checkedOut) {
      return new CartChange(seqNr, firstAt, at, checkedOut != null ? checkedOut : checkedOutAt);
    }
  }

  public static void apply(Connection c, int slice, List<SequencedEvent> events) throws SQLException {
    Map<String, Long> applied = appliedSeqNrs(c, events);
    Map<String, CartChange> carts = new LinkedHashMap<>();
    Map<LineKey, LineChange> lines = new LinkedHashMap<>();
    List<Gap> gaps = new ArrayList<>();
    for (SequencedEvent se : events) {
      CartEvent event = se.event();
      long alreadyApplied = applied.getOrDefault(event.cartId(), 0L);
      if (se.seqNr() <= alreadyApplied) {
        continue;
      }
      if (se.seqNr() > alreadyApplied + 1) {
        gaps.add(new Gap(event.cartId(), alreadyApplied + 1, se.seqNr() - 1));
      }
      applied.put(event.cartId(), se.seqNr());
      Instant checkedOut = event instanceof CartEvent.CheckedOut ? event.at() : null;
      carts.merge(
          event.cartId(),
          new CartChange(se.seqNr(), event.at(), event.at(), checkedOut),
          (before, now) -> before.then(se.seqNr(), event.at(), checkedOut));
      foldLine(lines, event);
    }
    if (carts.isEmpty()) {
      return;
    }
    upsertSummaries(c, slice, carts);
    writeLines(c, lines);
    recomputeTotals(c, carts.keySet().toArray(String[]::new));
    recordGaps(c, gaps);
  }

  /** A hole in a cart's sequence numbers: events the event source never delivered. */
  private record Gap(String cartId, long fromSeqNr, long toSeqNr) {}

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

  private static void foldLine(Map<LineKey, LineChange> lines, CartEvent event) {
    switch (event) {
      case CartEvent.ItemAdded e ->
          lines.put(new LineKey(e.cartId(), e.itemId()), new LineChange.Upsert(e.quantity(), e.unitPriceCents()));
      case CartEvent.ItemQuantityAdjusted e ->
          lines.merge(
              new LineKey(e.cartId(), e.itemId()),
              new LineChange.SetQuantity(e.newQuantity()),
              (before, now) ->
                  before instanceof LineChange.Upsert u ? new LineChange.Upsert(e.newQuantity(), u.unitPriceCents()) : now);
      case CartEvent.ItemRemoved e -> lines.put(new LineKey(e.cartId(), e.itemId()), new LineChange.Delete());
      case CartEvent.CheckedOut e -> {
        // The lines stay as they were: they are what was checked out.
      }
    }
  }

  private static Map<String, Long> appliedSeqNrs(Connection c, List<SequencedEvent> events) throws SQLException {
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

  private static void upsertSummaries(Connection c, int slice, Map<String, CartChange> carts) throws SQLException {
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
      for (Map.Entry<String, CartChange> e : carts.entrySet()) {
        CartChange change = e.getValue();
        Timestamp checkedOut = change.checkedOutAt() == null ? null : Timestamp.from(change.checkedOutAt());
        ps.setString(1, e.getKey());
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

  private static void writeLines(Connection c, Map<LineKey, LineChange> lines) throws SQLException {
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
      for (Map.Entry<LineKey, LineChange> e : lines.entrySet()) {
        LineKey key = e.getKey();
        switch (e.getValue()) {
          case LineChange.Upsert u -> {
            upsert.setString(1, key.cartId());
            upsert.setString(2, key.itemId());
            upsert.setInt(3, u.quantity());
            upsert.setLong(4, u.unitPriceCents());
            upsert.addBatch();
          }
          case LineChange.SetQuantity s -> {
            setQuantity.setInt(1, s.quantity());
            setQuantity.setString(2, key.cartId());
            setQuantity.setString(3, key.itemId());
            setQuantity.addBatch();
          }
          case LineChange.Delete d -> {
            delete.setString(1, key.cartId());
            delete.setString(2, key.itemId());
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
}
