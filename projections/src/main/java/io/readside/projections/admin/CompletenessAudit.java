package io.readside.projections.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds events the event source skipped, so that "the read model is complete" is checked, not
 * hoped. cart-summary applies each cart's events in order, so it proves a skip two ways, told
 * apart from lag and from dead letters:
 * <ul>
 *   <li>behind the offset: a journal event cart-summary has moved past (at or below its slice's
 *       offset, in the order its source reads: ordering, or (tx_id, ordering)) whose sequence number is above what the cart has applied, and that is not
 *       a parked or discarded dead letter;</li>
 *   <li>a hole: a later event of the cart arrived and was applied, and cart-summary recorded the
 *       sequence numbers it never saw (read_model.cart_summary_gap).</li>
 * </ul>
 * A skip is a gap in the slice's event stream, not in one projection: every projection whose
 * offset moved past the event's journal position misses it too. Each proven skip is recorded in
 * readside_skipped_event (so rebuilding cart-summary does not erase what the others still need)
 * and reported for every projection that moved past it until that projection's slice is rebuilt.
 * Both cases are what the JDBC journal's gap window produces when a write commits too late.
 */
public final class CompletenessAudit {
  private CompletenessAudit() {}

  /** One skipped event: where it is in the journal and which projections still miss it. */
  public record SkippedEvent(String cartId, int slice, long seqNr, Long journalOrdering, String how, Instant detectedAt, List<String> projections) {}

  /** A cart with skipped events (the per-cart view of the same facts). */
  public record SkippedCart(String cartId, int slice, List<Long> missingSeqNrs, String how, List<String> projections) {}

  /** What repairs it: rebuilding this projection's slice. */
  public record Repair(String projection, int slice) {}

  /** cartsChecked and eventsBehindOffsets count what cart-summary has moved past (lag is not checked). */
  public record Report(
      Instant asOf, long cartsChecked, long eventsBehindOffsets, int skippedCarts, List<SkippedCart> skipped,
      List<SkippedEvent> skippedEvents, List<Repair> repairs) {}

  public static Report run(Connection c) throws SQLException {
    record(c, null);
    List<SkippedEvent> events = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(STILL_MISSED); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        events.add(new SkippedEvent(
            rs.getString(1).substring(rs.getString(1).indexOf('|') + 1), rs.getInt(2), rs.getLong(3), (Long) rs.getObject(4),
            rs.getString(5), rs.getTimestamp(6).toInstant(), Arrays.asList((String[]) rs.getArray(7).getArray())));
      }
    }
    long carts;
    long checked;
    try (PreparedStatement ps = c.prepareStatement(COUNTS); ResultSet rs = ps.executeQuery()) {
      rs.next();
      carts = rs.getLong(1);
      checked = rs.getLong(2);
    }
    List<SkippedCart> byCart = byCart(events);
    List<Repair> repairs = events.stream()
        .flatMap(e -> e.projections().stream().map(p -> new Repair(p, e.slice())))
        .distinct()
        .sorted(java.util.Comparator.comparing(Repair::projection).thenComparing(Repair::slice))
        .toList();
    return new Report(Instant.now(), carts, checked, byCart.size(), byCart, events, repairs);
  }

  /**
   * Records every skip cart-summary proves now (of one slice, or of all with null). A rebuild
   * calls it before it deletes the evidence (cart-summary's rows and holes).
   */
  static void record(Connection c, Integer slice) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RECORD)) {
      ps.setObject(1, slice, java.sql.Types.INTEGER);
      ps.setObject(2, slice, java.sql.Types.INTEGER);
      ps.executeUpdate();
    }
  }

  /** A rebuilt slice replays the journal as it now is: its recorded skips are repaired for this projection. */
  static void markRepaired(Connection c, String projection, int slice) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO readside_skip_repaired (projection_name, persistence_id, seq_nr)
            SELECT ?, persistence_id, seq_nr FROM readside_skipped_event WHERE slice = ?
            ON CONFLICT DO NOTHING
            """)) {
      ps.setString(1, projection);
      ps.setInt(2, slice);
      ps.executeUpdate();
    }
  }

  private static List<SkippedCart> byCart(List<SkippedEvent> events) {
    Map<String, List<SkippedEvent>> carts = new LinkedHashMap<>();
    events.forEach(e -> carts.computeIfAbsent(e.cartId(), k -> new ArrayList<>()).add(e));
    List<SkippedCart> out = new ArrayList<>();
    carts.forEach((cart, list) -> out.add(new SkippedCart(
        cart, list.get(0).slice(), list.stream().map(SkippedEvent::seqNr).sorted().toList(), list.get(0).how(),
        List.copyOf(new TreeSet<>(list.stream().flatMap(e -> e.projections().stream()).toList())))));
    out.sort(java.util.Comparator.comparing(SkippedCart::cartId));
    return out;
  }

  private static final String PASSED =
      """
      WITH offsets AS (
        SELECT projection_key AS tag, manifest, current_offset AS off
          FROM pekko_projection_offset_store
         WHERE projection_name = 'cart-summary' AND manifest IN ('SEQ', 'STR')
      ), passed AS (
        SELECT j.ordering, j.persistence_id, split_part(j.persistence_id, '|', 2) AS cart_id, j.sequence_number,
               split_part(t.tag, '-', 2)::int AS slice
          FROM offsets o
          JOIN event_tag t ON t.tag = o.tag AND CASE WHEN o.manifest = 'SEQ' THEN t.event_id <= o.off::bigint
                                                     ELSE (t.tx_id, t.event_id) <= (split_part(o.off, ':', 1)::xid8, split_part(o.off, ':', 2)::bigint) END
          JOIN event_journal j ON j.ordering = t.event_id
         WHERE j.persistence_id LIKE 'ShoppingCart|%'
      )
      """;

  private static final String RECORD =
      PASSED
          + """
          , behind AS (
            SELECT p.persistence_id, p.sequence_number AS seq_nr, p.slice, p.ordering, 'behind-offset' AS how
              FROM passed p
              LEFT JOIN read_model.cart_summary s ON s.cart_id = p.cart_id
             WHERE p.sequence_number > COALESCE(s.last_seq_nr, 0)
               AND (?::int IS NULL OR p.slice = ?::int)
               AND NOT EXISTS (SELECT 1 FROM readside_dead_letter d
                                WHERE d.projection_name = 'cart-summary' AND d.persistence_id = p.persistence_id
                                  AND d.seq_nr = p.sequence_number AND d.status IN ('parked', 'discarded'))
          ), holes AS (
            SELECT 'ShoppingCart|' || g.cart_id AS persistence_id, n AS seq_nr, s.slice, j.ordering, 'hole' AS how
              FROM read_model.cart_summary_gap g
              JOIN read_model.cart_summary s USING (cart_id)
              CROSS JOIN LATERAL generate_series(g.from_seq_nr, g.to_seq_nr) AS n
              LEFT JOIN event_journal j ON j.persistence_id = 'ShoppingCart|' || g.cart_id AND j.sequence_number = n
             WHERE NOT EXISTS (SELECT 1 FROM readside_dead_letter d
                                WHERE d.projection_name = 'cart-summary' AND d.persistence_id = 'ShoppingCart|' || g.cart_id
                                  AND d.seq_nr = n AND d.status = 'discarded')
          )
          INSERT INTO readside_skipped_event (persistence_id, seq_nr, slice, journal_ordering, how)
          SELECT persistence_id, seq_nr, slice, ordering, how FROM behind
          UNION ALL
          SELECT persistence_id, seq_nr, slice, ordering, how FROM holes
          ON CONFLICT (persistence_id, seq_nr) DO UPDATE SET journal_ordering = COALESCE(EXCLUDED.journal_ordering, readside_skipped_event.journal_ordering)
          """;

  /**
   * Every recorded skip, with the projections that moved past its journal position (a hole with
   * no journal row yet counts for cart-summary alone) and whose slice was not rebuilt since.
   */
  private static final String STILL_MISSED =
      """
      SELECT * FROM (
        SELECT e.persistence_id, e.slice, e.seq_nr, e.journal_ordering, e.how, e.detected_at,
               ARRAY(SELECT o.projection_name::text FROM pekko_projection_offset_store o
                      WHERE o.projection_key = 'carts-' || e.slice AND o.manifest IN ('SEQ', 'STR')
                        AND (CASE WHEN o.manifest = 'SEQ' THEN o.current_offset::bigint >= e.journal_ordering
                                  ELSE EXISTS (SELECT 1 FROM event_tag t
                                                WHERE t.tag = o.projection_key AND t.event_id = e.journal_ordering
                                                  AND (t.tx_id, t.event_id) <= (split_part(o.current_offset, ':', 1)::xid8,
                                                                                split_part(o.current_offset, ':', 2)::bigint)) END
                             OR (e.journal_ordering IS NULL AND o.projection_name = 'cart-summary'))
                        AND NOT EXISTS (SELECT 1 FROM readside_skip_repaired r
                                         WHERE r.projection_name = o.projection_name AND r.persistence_id = e.persistence_id
                                           AND r.seq_nr = e.seq_nr)
                      ORDER BY o.projection_name) AS projections
          FROM readside_skipped_event e
      ) s
      WHERE cardinality(projections) > 0
      ORDER BY journal_ordering NULLS LAST, persistence_id, seq_nr
      """;

  private static final String COUNTS =
      PASSED + "SELECT count(DISTINCT cart_id), count(*) FROM passed";
}
