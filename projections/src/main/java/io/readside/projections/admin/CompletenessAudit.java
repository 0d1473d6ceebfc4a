package io.readside.projections.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds carts whose events cart-summary skipped, so that "the read model is complete" is checked,
 * not hoped. Two ways an event goes missing are told apart from lag and from dead letters:
 * <ul>
 *   <li>behind the offset: a journal event the projection has moved past (ordering at or below
 *       its slice's offset) whose sequence number is above what the cart has applied, and that is
 *       not a parked or discarded dead letter;</li>
 *   <li>a hole: a later event of the cart arrived and was applied, and the projection recorded the
 *       sequence numbers it never saw (read_model.cart_summary_gap).</li>
 * </ul>
 * Events above the offset are lag, not loss. Both cases are what the JDBC journal's gap window
 * produces when a write commits too late (PEKKO-NOTES.md).
 */
public final class CompletenessAudit {
  private CompletenessAudit() {}

  public record SkippedCart(String cartId, int slice, long journalSeqNr, long appliedSeqNr, List<Long> missingSeqNrs, String how) {}

  /** cartsChecked and eventsBehindOffsets count what the projection has moved past (lag is not checked). */
  public record Report(Instant asOf, long cartsChecked, long eventsBehindOffsets, int skippedCarts, List<SkippedCart> skipped) {}

  public static Report run(Connection c) throws SQLException {
    List<SkippedCart> skipped = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(BEHIND_OFFSET); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        skipped.add(new SkippedCart(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), longs(rs.getArray(5)), "behind-offset"));
      }
    }
    try (PreparedStatement ps = c.prepareStatement(HOLES); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        skipped.add(new SkippedCart(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), longs(rs.getArray(5)), "hole"));
      }
    }
    long carts;
    long checked;
    try (PreparedStatement ps = c.prepareStatement(COUNTS); ResultSet rs = ps.executeQuery()) {
      rs.next();
      carts = rs.getLong(1);
      checked = rs.getLong(2);
    }
    return new Report(Instant.now(), carts, checked, (int) skipped.stream().map(SkippedCart::cartId).distinct().count(), skipped);
  }

  private static List<Long> longs(java.sql.Array array) throws SQLException {
    List<Long> out = new ArrayList<>();
    for (Object o : (Object[]) array.getArray()) {
      out.add(((Number) o).longValue());
    }
    return out;
  }

  private static final String PASSED =
      """
      WITH offsets AS (
        SELECT projection_key AS tag, current_offset::bigint AS off
          FROM pekko_projection_offset_store
         WHERE projection_name = 'cart-summary' AND manifest = 'SEQ'
      ), passed AS (
        SELECT j.persistence_id, split_part(j.persistence_id, '|', 2) AS cart_id, j.sequence_number,
               split_part(t.tag, '-', 2)::int AS slice
          FROM offsets o
          JOIN event_tag t ON t.tag = o.tag AND t.event_id <= o.off
          JOIN event_journal j ON j.ordering = t.event_id
         WHERE j.persistence_id LIKE 'ShoppingCart|%'
      )
      """;

  private static final String BEHIND_OFFSET =
      PASSED
          + """
          SELECT p.cart_id, p.slice, max(p.sequence_number), COALESCE(max(s.last_seq_nr), 0),
                 array_agg(p.sequence_number ORDER BY p.sequence_number)
            FROM passed p
            LEFT JOIN read_model.cart_summary s ON s.cart_id = p.cart_id
           WHERE p.sequence_number > COALESCE(s.last_seq_nr, 0)
             AND NOT EXISTS (SELECT 1 FROM readside_dead_letter d
                              WHERE d.projection_name = 'cart-summary' AND d.persistence_id = p.persistence_id
                                AND d.seq_nr = p.sequence_number AND d.status IN ('parked', 'discarded'))
           GROUP BY p.cart_id, p.slice
           ORDER BY p.cart_id
          """;

  private static final String HOLES =
      """
      SELECT g.cart_id, s.slice,
             (SELECT max(j.sequence_number) FROM event_journal j WHERE j.persistence_id = 'ShoppingCart|' || g.cart_id),
             s.last_seq_nr,
             array_agg(n ORDER BY n)
        FROM read_model.cart_summary_gap g
        JOIN read_model.cart_summary s USING (cart_id)
        CROSS JOIN LATERAL generate_series(g.from_seq_nr, g.to_seq_nr) AS n
       WHERE NOT EXISTS (SELECT 1 FROM readside_dead_letter d
                          WHERE d.projection_name = 'cart-summary' AND d.persistence_id = 'ShoppingCart|' || g.cart_id
                            AND d.seq_nr = n AND d.status = 'discarded')
       GROUP BY g.cart_id, s.slice, s.last_seq_nr
       ORDER BY g.cart_id
      """;

  private static final String COUNTS =
      PASSED + "SELECT count(DISTINCT cart_id), count(*) FROM passed";
}
