package io.readside.projections.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
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
            SELECT s.name, s.slice, s.tag, o.current_offset::bigint, o.last_updated, COALESCE(m.paused, false),
                   COALESCE(head.head, 0), lag.events, lag.oldest,
                   i.node, i.heartbeat_at, i.last_error, i.last_error_at,
                   i.rebuild_started_at, i.rebuild_target, i.rebuild_events, replayed.events,
                   (i.heartbeat_at IS NOT NULL AND i.heartbeat_at > now() - make_interval(secs => ?)) AS running
              FROM s
              LEFT JOIN pekko_projection_offset_store o ON o.projection_name = s.name AND o.projection_key = s.tag
              LEFT JOIN pekko_projection_management m ON m.projection_name = s.name AND m.projection_key = s.tag
              LEFT JOIN readside_projection_slice i ON i.projection_name = s.name AND i.projection_key = s.tag
              LEFT JOIN LATERAL (SELECT max(t.event_id) AS head FROM event_tag t WHERE t.tag = s.tag) head ON true
              LEFT JOIN LATERAL (
                SELECT count(*) AS events, min(j.write_timestamp) AS oldest
                  FROM event_tag t JOIN event_journal j ON j.ordering = t.event_id
                 WHERE t.tag = s.tag AND t.event_id > COALESCE(o.current_offset::bigint, 0)) lag ON true
              LEFT JOIN LATERAL (
                SELECT count(*) AS events FROM event_tag t
                 WHERE i.rebuild_target IS NOT NULL AND t.tag = s.tag
                   AND t.event_id <= LEAST(COALESCE(o.current_offset::bigint, 0), i.rebuild_target)) replayed ON true
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
                  rs.getLong(7),
                  rs.getLong(8),
                  oldest == null ? 0 : Math.max(0, (now - oldest) / 1000.0),
                  rs.getBoolean(6),
                  rs.getBoolean(18),
                  rs.getString(10),
                  instant(rs.getTimestamp(11)),
                  rs.getString(12),
                  instant(rs.getTimestamp(13)),
                  lastUpdated == null ? null : Instant.ofEpochMilli(lastUpdated),
                  progress(rs, offset)));
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
            SELECT s.name, s.slice, s.tag, o.current_offset::bigint, COALESCE(m.paused, false),
                   COALESCE(head.event_id, 0), behind.events, oldest.write_timestamp
              FROM s
              LEFT JOIN pekko_projection_offset_store o ON o.projection_name = s.name AND o.projection_key = s.tag
              LEFT JOIN pekko_projection_management m ON m.projection_name = s.name AND m.projection_key = s.tag
              LEFT JOIN LATERAL (
                SELECT t.event_id FROM event_tag t WHERE t.tag = s.tag ORDER BY t.event_id DESC LIMIT 1) head ON true
              LEFT JOIN LATERAL (
                SELECT count(*) AS events FROM (
                  SELECT 1 FROM event_tag t WHERE t.tag = s.tag AND t.event_id > COALESCE(o.current_offset::bigint, 0) LIMIT ?) b
              ) behind ON true
              LEFT JOIN LATERAL (
                SELECT j.write_timestamp FROM event_tag t JOIN event_journal j ON j.ordering = t.event_id
                 WHERE t.tag = s.tag AND t.event_id > COALESCE(o.current_offset::bigint, 0)
                 ORDER BY t.event_id LIMIT 1) oldest ON true
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
  private static RebuildProgress progress(ResultSet rs, Long offset) throws SQLException {
    Long target = (Long) rs.getObject(15);
    if (target == null || target == 0 || (offset != null && offset >= target)) {
      return null;
    }
    Instant started = instant(rs.getTimestamp(14));
    long total = rs.getLong(16);
    long done = rs.getLong(17);
    Double eta = null;
    if (done > 0 && started != null) {
      double elapsed = Duration.between(started, Instant.now()).toMillis() / 1000.0;
      eta = elapsed / done * (total - done);
    }
    return new RebuildProgress(done, total, started, eta);
  }

  private static Instant instant(Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }
}
