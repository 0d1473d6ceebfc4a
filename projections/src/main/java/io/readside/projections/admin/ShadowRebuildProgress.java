package io.readside.projections.admin;

import io.readside.platform.RowMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The owner of {@code readside_shadow_rebuild}: a shadow rebuild's state and progress, written by
 * the node that builds and read by the status of any admin node.
 */
final class ShadowRebuildProgress {
  /** A build whose row has not moved for this long is reported stalled (its node likely died). */
  static final Duration STALLED_AFTER = Duration.ofSeconds(30);

  /**
   * state: building, swapping, done or failed; stalled when building or swapping and not updated
   * for {@link #STALLED_AFTER}. eventsPerSecond and etaSeconds while building.
   */
  record Report(
      String projection, State state, boolean stalled, String node, Instant startedAt, Instant updatedAt, Instant finishedAt,
      long eventsReplayed, long eventsToReplay, Double eventsPerSecond, Long etaSeconds, Long rowsSwapped, Long pausedMillis,
      Long swapMillis, String error) {}

  /** Where a shadow rebuild is; stored and shown in lower case. */
  enum State {
    BUILDING, SWAPPING, DONE, FAILED;

    @com.fasterxml.jackson.annotation.JsonValue
    String stored() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    boolean running() {
      return this == BUILDING || this == SWAPPING;
    }
  }

  private final DataSource pool;
  private final String node;

  ShadowRebuildProgress(DataSource pool, String node) {
    this.pool = pool;
    this.node = node;
  }

  void begin(String projection, String tokenId) throws SQLException {
    execute(
        """
        INSERT INTO readside_shadow_rebuild AS r (projection_name, state, node, token_id)
        VALUES (?, 'building', ?, ?)
        ON CONFLICT (projection_name) DO UPDATE SET
               state = 'building', node = EXCLUDED.node, token_id = EXCLUDED.token_id, started_at = now(), updated_at = now(),
               finished_at = NULL, events_replayed = 0, events_to_replay = 0, rows_swapped = NULL, paused_millis = NULL,
               swap_millis = NULL, error = NULL
        """,
        projection, node, tokenId);
  }

  void update(String projection, long replayed, long toReplay) throws SQLException {
    execute("UPDATE readside_shadow_rebuild SET events_replayed = ?, events_to_replay = ?, updated_at = now() WHERE projection_name = ?",
        replayed, toReplay, projection);
  }

  void swapping(String projection) throws SQLException {
    execute("UPDATE readside_shadow_rebuild SET state = 'swapping', updated_at = now() WHERE projection_name = ?", projection);
  }

  void done(String projection, long replayed, long rows, long pausedMillis, long swapMillis) throws SQLException {
    execute(
        """
        UPDATE readside_shadow_rebuild SET state = 'done', events_replayed = ?, events_to_replay = ?, rows_swapped = ?,
               paused_millis = ?, swap_millis = ?, updated_at = now(), finished_at = now()
         WHERE projection_name = ?
        """,
        replayed, replayed, rows, pausedMillis, swapMillis, projection);
  }

  void failed(String projection, String error) throws SQLException {
    execute("UPDATE readside_shadow_rebuild SET state = 'failed', error = ?, updated_at = now(), finished_at = now() WHERE projection_name = ?",
        error, projection);
  }

  Optional<Report> read(String projection) throws SQLException {
    try (Connection c = pool.getConnection()) {
      return read(c, projection);
    }
  }

  static Optional<Report> read(Connection c, String projection) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            SELECT state, node, started_at, updated_at, finished_at, events_replayed, events_to_replay, rows_swapped,
                   paused_millis, swap_millis, error, now()
              FROM readside_shadow_rebuild WHERE projection_name = ?
            """)) {
      ps.setString(1, projection);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        State state = State.valueOf(rs.getString(1).toUpperCase(java.util.Locale.ROOT));
        Instant started = rs.getTimestamp(3).toInstant();
        Instant updated = rs.getTimestamp(4).toInstant();
        Instant now = rs.getTimestamp(12).toInstant();
        long replayed = rs.getLong(6);
        long toReplay = rs.getLong(7);
        boolean stalled = state.running() && Duration.between(updated, now).compareTo(STALLED_AFTER) > 0;
        Double rate = null;
        Long eta = null;
        double seconds = Duration.between(started, updated).toMillis() / 1000.0;
        if (state == State.BUILDING && seconds > 0 && replayed > 0) {
          rate = Math.round(replayed / seconds * 10) / 10.0;
          eta = Math.round(Math.max(0, toReplay - replayed) / (replayed / seconds));
        }
        return Optional.of(new Report(
            projection, state, stalled, rs.getString(2), started, updated, RowMapper.instant(rs, 5), replayed, toReplay, rate, eta,
            nullableLong(rs, 8), nullableLong(rs, 9), nullableLong(rs, 10), rs.getString(11)));
      }
    }
  }

  private static Long nullableLong(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  private void execute(String sql, Object... values) throws SQLException {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        ps.setObject(i + 1, values[i]);
      }
      ps.executeUpdate();
    }
  }
}
