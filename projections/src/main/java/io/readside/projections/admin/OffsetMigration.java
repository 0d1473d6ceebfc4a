package io.readside.projections.admin;

import io.readside.projections.HorizonOffset;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.projection.ProjectionId;

/**
 * Converts stored offsets between the two event sources (readside.worker.source), with the worker
 * stopped. Exact about what the switch would skip or replay, and refuses either unless forced:
 *
 * <ul>
 *   <li>eventsByTag ordering O to horizon: H = the largest (tx_id, ordering) among the tag's rows
 *       with ordering ≤ O (everything eventsByTag has passed). The horizon source resumes after H.
 *       Skipped: rows with ordering &gt; O that sort before H (a transaction that took its ordering
 *       after O but got its id before H's); replayed: none.
 *   <li>horizon H to eventsByTag: O = one below the smallest ordering among the rows after H in
 *       (tx_id, ordering) order (the head if there is none): every row with ordering ≤ O is
 *       applied, so nothing is skipped. Replayed: rows with ordering &gt; O that sort before or at H.
 * </ul>
 *
 * A replay is harmless to cart-summary (its sequence-number guard drops what it has applied) and
 * counts twice in item-popularity and daily-sales; a skip is lost to every projection. Both are
 * normally zero: a write takes its transaction id and its ordering in the same insert.
 */
public final class OffsetMigration {
  private OffsetMigration() {}

  public enum Target { HORIZON, EVENTS_BY_TAG }

  /** moves: whether the offset is rewritten; when not, the note says why (already of the target kind). */
  public record Change(String projection, String tag, String from, String to, long skipped, long replayed, boolean moves, String note) {}

  public static List<Change> plan(Connection c, Target target) throws SQLException {
    List<Change> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT projection_name, projection_key, current_offset, manifest FROM pekko_projection_offset_store ORDER BY 1, 2");
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String projection = rs.getString(1);
        String tag = rs.getString(2);
        String offset = rs.getString(3);
        String manifest = rs.getString(4);
        if (target == Target.HORIZON && manifest.equals("SEQ")) {
          out.add(toHorizon(c, projection, tag, Long.parseLong(offset)));
        } else if (target == Target.EVENTS_BY_TAG && manifest.equals("STR")) {
          out.add(toEventsByTag(c, projection, tag, HorizonOffset.parse(offset)));
        } else {
          out.add(new Change(projection, tag, offset, offset, 0, 0, false, "unchanged (already " + manifest + ")"));
        }
      }
    }
    return out;
  }

  private static Change toHorizon(Connection c, String projection, String tag, long ordering) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        WITH h AS (
          SELECT t.tx_id, t.event_id FROM event_tag t WHERE t.tag = ? AND t.event_id <= ?
           ORDER BY t.tx_id DESC, t.event_id DESC LIMIT 1)
        SELECT h.tx_id::text, h.event_id,
               (SELECT count(*) FROM event_tag t WHERE t.tag = ? AND t.event_id > ? AND (t.tx_id, t.event_id) < (h.tx_id, h.event_id))
          FROM (SELECT 1) one LEFT JOIN h ON true
        """)) {
      ps.setString(1, tag);
      ps.setLong(2, ordering);
      ps.setString(3, tag);
      ps.setLong(4, ordering);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        String to = rs.getString(1) == null ? HorizonOffset.START.toString() : HorizonOffset.format(Long.parseLong(rs.getString(1)), rs.getLong(2));
        return new Change(projection, tag, Long.toString(ordering), to, rs.getLong(3), 0, true, null);
      }
    }
  }

  private static Change toEventsByTag(Connection c, String projection, String tag, HorizonOffset h) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        WITH o AS (
          SELECT COALESCE(
                   (SELECT min(t.event_id) - 1 FROM event_tag t WHERE t.tag = ? AND (t.tx_id, t.event_id) > (CAST(? AS xid8), ?)),
                   (SELECT COALESCE(max(t.event_id), 0) FROM event_tag t WHERE t.tag = ?)) AS ordering)
        SELECT o.ordering,
               (SELECT count(*) FROM event_tag t WHERE t.tag = ? AND t.event_id > o.ordering
                   AND (t.tx_id, t.event_id) <= (CAST(? AS xid8), ?))
          FROM o
        """)) {
      ps.setString(1, tag);
      ps.setString(2, Long.toString(h.txId()));
      ps.setLong(3, h.ordering());
      ps.setString(4, tag);
      ps.setString(5, tag);
      ps.setString(6, Long.toString(h.txId()));
      ps.setLong(7, h.ordering());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Change(projection, tag, h.toString(), Long.toString(rs.getLong(1)), 0, rs.getLong(2), true, null);
      }
    }
  }

  /** Writes the planned offsets (in the caller's transaction). */
  public static void apply(Connection c, List<Change> changes, Target target) throws SQLException {
    Map<ProjectionId, SlicePosition> positions = new LinkedHashMap<>();
    for (Change change : changes) {
      if (change.moves()) {
        positions.put(ProjectionId.of(change.projection(), change.tag()), switch (target) {
          case HORIZON -> new SlicePosition.Horizon(HorizonOffset.parse(change.to()));
          case EVENTS_BY_TAG -> new SlicePosition.Ordering(Long.parseLong(change.to()));
        });
      }
    }
    OffsetStore.replacePositions(c, positions);
  }

  /** Instances whose heartbeat is fresh: the migration needs the worker stopped. */
  public static List<String> running(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT projection_name || ' ' || projection_key || ' on ' || node FROM readside_projection_slice
         WHERE heartbeat_at > now() - make_interval(secs => ?) ORDER BY 1""")) {
      ps.setLong(1, ProjectionStatusQuery.STALE_AFTER.toSeconds());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}
