package io.readside.projections.admin;

import io.readside.platform.RowMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every projection and slice as the database shows it: offset, journal head, lag, paused, where
 * its instance runs, its last error and a rebuild's progress. One statement, no running instance
 * needed, so it is right when an instance is stopped or the worker is down.
 */
final class ProjectionStatusQuery {
  /** An instance whose heartbeat is older than this is not counted as running. */
  static final Duration STALE_AFTER = Duration.ofSeconds(15);

  private ProjectionStatusQuery() {}

  record RebuildProgress(long eventsReplayed, long eventsToReplay, Instant startedAt, Double etaSeconds) {}

  record SliceStatus(
      String projection,
      int slice,
      String tag,
      Long offset,
      String horizonOffset,
      long journalHead,
      long lagEvents,
      double lagSeconds,
      boolean paused,
      boolean running,
      String node,
      Instant heartbeatAt,
      String lastError,
      Instant lastErrorAt,
      Instant lastUpdate,
      RebuildProgress rebuild) {}

  static List<SliceStatus> all(Connection c, List<String> projections, int slices) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            WITH s AS (
              SELECT p.name, p.pos, g.slice, 'carts-' || g.slice AS tag
                FROM unnest(?::text[]) WITH ORDINALITY AS p(name, pos) CROSS JOIN generate_series(0, ? - 1) AS g(slice)
            )
            SELECT s.name, s.slice, s.tag, CASE WHEN o.manifest = 'STR' THEN p.ord ELSE o.current_offset::bigint END, o.last_updated, COALESCE(m.paused, false),
                   COALESCE(head.head, 0), COALESCE(lag_seq.events, 0) + COALESCE(lag_h.events, 0),
                   COALESCE(lag_seq.oldest, lag_h.oldest),
                   i.node, i.heartbeat_at, i.last_error, i.last_error_at,
                   i.rebuild_started_at, i.rebuild_target, i.rebuild_events,
                   COALESCE(replayed_seq.events, 0) + COALESCE(replayed_h.events, 0),
                   (i.heartbeat_at IS NOT NULL AND i.heartbeat_at > now() - make_interval(secs => ?)) AS running,
                   CASE WHEN o.manifest = 'STR' THEN o.current_offset END
              FROM s
              LEFT JOIN pekko_projection_offset_store o ON o.projection_name = s.name AND o.projection_key = s.tag
              LEFT JOIN pekko_projection_management m ON m.projection_name = s.name AND m.projection_key = s.tag
              LEFT JOIN readside_projection_slice i ON i.projection_name = s.name AND i.projection_key = s.tag
              LEFT JOIN LATERAL (
                SELECT CASE WHEN o.manifest = 'STR' THEN NULL ELSE COALESCE(o.current_offset::bigint, 0) END AS seq,
                       CASE WHEN o.manifest = 'STR' THEN split_part(o.current_offset, ':', 1)::xid8 END AS tx,
                       CASE WHEN o.manifest = 'STR' THEN split_part(o.current_offset, ':', 2)::bigint END AS ord) p ON true
              LEFT JOIN LATERAL (SELECT max(t.event_id) AS head FROM event_tag t WHERE t.tag = s.tag) head ON true
              -- Lag: a journal-ordering offset (eventsByTag, manifest SEQ) counts the tag's rows above
              -- it; a horizon offset (STR "tx_id:ordering") the rows after it in (tx_id, ordering) order.
              LEFT JOIN LATERAL (
                SELECT count(*) AS events, min(j.write_timestamp) AS oldest
                  FROM event_tag t JOIN event_journal j ON j.ordering = t.event_id
                 WHERE p.tx IS NULL AND t.tag = s.tag AND t.event_id > p.seq) lag_seq ON true
              LEFT JOIN LATERAL (
                SELECT count(*) AS events, min(j.write_timestamp) AS oldest
                  FROM event_tag t JOIN event_journal j ON j.ordering = t.event_id
                 WHERE p.tx IS NOT NULL AND t.tag = s.tag AND (t.tx_id, t.event_id) > (p.tx, p.ord)) lag_h ON true
              LEFT JOIN LATERAL (
                SELECT count(*) AS events FROM event_tag t
                 WHERE p.tx IS NULL AND i.rebuild_target IS NOT NULL AND t.tag = s.tag
                   AND t.event_id <= LEAST(p.seq, i.rebuild_target)) replayed_seq ON true
              LEFT JOIN LATERAL (
                SELECT count(*) AS events FROM event_tag t
                 WHERE p.tx IS NOT NULL AND i.rebuild_target IS NOT NULL AND t.tag = s.tag
                   AND (t.tx_id, t.event_id) <= (p.tx, p.ord) AND t.event_id <= i.rebuild_target) replayed_h ON true
             ORDER BY s.pos, s.slice
            """)) {
      ps.setArray(1, c.createArrayOf("text", projections.toArray()));
      ps.setInt(2, slices);
      ps.setLong(3, STALE_AFTER.toSeconds());
      List<SliceStatus> out = new ArrayList<>();
      long now = System.currentTimeMillis();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Long offset = (Long) rs.getObject(4);
          Long lastUpdated = (Long) rs.getObject(5);
          Long oldest = (Long) rs.getObject(9);
          out.add(
              new SliceStatus(
                  rs.getString(1),
                  rs.getInt(2),
                  rs.getString(3),
                  offset,
                  rs.getString(19),
                  rs.getLong(7),
                  rs.getLong(8),
                  oldest == null ? 0 : Math.max(0, (now - oldest) / 1000.0),
                  rs.getBoolean(6),
                  rs.getBoolean(18),
                  rs.getString(10),
                  RowMapper.instant(rs, 11),
                  rs.getString(12),
                  RowMapper.instant(rs, 13),
                  lastUpdated == null ? null : Instant.ofEpochMilli(lastUpdated),
                  progress(rs, offset, rs.getString(19) != null)));
        }
      }
      return out;
    }
  }

  /**
   * The part of the status that readiness and the lag gauges need, per projection and slice. Cheap
   * enough to run every few seconds: only index reads of each slice's tag, bounded, never a count of
   * the journal. lagEvents counts at most {@link #LAG_COUNT_LIMIT} events above the offset.
   */
  record SliceLag(
      String projection, int slice, String tag, Long offset, long journalHead, long lagEvents, double lagSeconds, boolean paused) {}

  static final int LAG_COUNT_LIMIT = 10_000;

  static List<SliceLag> lags(Connection c, List<String> projections, int slices) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            WITH s AS (
              SELECT p.name, p.pos, g.slice, 'carts-' || g.slice AS tag
                FROM unnest(?::text[]) WITH ORDINALITY AS p(name, pos) CROSS JOIN generate_series(0, ? - 1) AS g(slice)
            )
            SELECT s.name, s.slice, s.tag, CASE WHEN o.manifest = 'STR' THEN p.ord ELSE o.current_offset::bigint END, COALESCE(m.paused, false),
                   COALESCE(head.event_id, 0), behind.events, COALESCE(oldest_seq.write_timestamp, oldest_h.write_timestamp)
              FROM s
              LEFT JOIN pekko_projection_offset_store o ON o.projection_name = s.name AND o.projection_key = s.tag
              LEFT JOIN pekko_projection_management m ON m.projection_name = s.name AND m.projection_key = s.tag
              LEFT JOIN LATERAL (
                SELECT CASE WHEN o.manifest = 'STR' THEN NULL ELSE COALESCE(o.current_offset::bigint, 0) END AS seq,
                       CASE WHEN o.manifest = 'STR' THEN split_part(o.current_offset, ':', 1)::xid8 END AS tx,
                       CASE WHEN o.manifest = 'STR' THEN split_part(o.current_offset, ':', 2)::bigint END AS ord) p ON true
              LEFT JOIN LATERAL (
                SELECT t.event_id FROM event_tag t WHERE t.tag = s.tag ORDER BY t.event_id DESC LIMIT 1) head ON true
              -- Each branch is switched on or off by the offset's kind (a one-time filter), so each is
              -- one range scan of its index: (tag, event_id) or (tag, tx_id, event_id).
              LEFT JOIN LATERAL (
                SELECT count(*) AS events FROM (
                  SELECT 1 FROM event_tag t WHERE p.tx IS NULL AND t.tag = s.tag AND t.event_id > p.seq
                  UNION ALL
                  SELECT 1 FROM event_tag t WHERE p.tx IS NOT NULL AND t.tag = s.tag AND (t.tx_id, t.event_id) > (p.tx, p.ord)
                  LIMIT ?) b
              ) behind ON true
              LEFT JOIN LATERAL (
                SELECT j.write_timestamp FROM event_tag t JOIN event_journal j ON j.ordering = t.event_id
                 WHERE p.tx IS NULL AND t.tag = s.tag AND t.event_id > p.seq
                 ORDER BY t.event_id LIMIT 1) oldest_seq ON true
              LEFT JOIN LATERAL (
                SELECT j.write_timestamp FROM event_tag t JOIN event_journal j ON j.ordering = t.event_id
                 WHERE p.tx IS NOT NULL AND t.tag = s.tag AND (t.tx_id, t.event_id) > (p.tx, p.ord)
                 ORDER BY t.tx_id, t.event_id LIMIT 1) oldest_h ON true
             ORDER BY s.pos, s.slice
            """)) {
      ps.setArray(1, c.createArrayOf("text", projections.toArray()));
      ps.setInt(2, slices);
      ps.setInt(3, LAG_COUNT_LIMIT);
      List<SliceLag> out = new ArrayList<>();
      long now = System.currentTimeMillis();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Long oldest = (Long) rs.getObject(8);
          out.add(
              new SliceLag(
                  rs.getString(1),
                  rs.getInt(2),
                  rs.getString(3),
                  (Long) rs.getObject(4),
                  rs.getLong(6),
                  rs.getLong(7),
                  oldest == null ? 0 : Math.max(0, (now - oldest) / 1000.0),
                  rs.getBoolean(5)));
        }
      }
      return out;
    }
  }

  /** A rebuild's progress while the offset is below the head it had to reach; null otherwise. */
  private static RebuildProgress progress(ResultSet rs, Long offset, boolean horizon) throws SQLException {
    Long target = (Long) rs.getObject(15);
    long total = rs.getLong(16);
    long done = rs.getLong(17);
    // A horizon offset's ordering is not monotonic: it is done when the rows up to the target are.
    if (target == null || target == 0 || (horizon ? done >= total : offset != null && offset >= target)) {
      return null;
    }
    Instant started = RowMapper.instant(rs, 14);
    Double eta = null;
    if (done > 0 && started != null) {
      double elapsed = Duration.between(started, Instant.now()).toMillis() / 1000.0;
      eta = elapsed / done * (total - done);
    }
    return new RebuildProgress(done, total, started, eta);
  }
}
