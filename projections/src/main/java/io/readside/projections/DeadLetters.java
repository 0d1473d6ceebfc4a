package io.readside.projections;

import io.readside.events.CartEvent;
import io.readside.platform.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The only class that touches readside_dead_letter: parking, listing, retrying, discarding. */
public final class DeadLetters {
  private DeadLetters() {}

  public record DeadLetter(
      long id,
      String projection,
      int slice,
      long offset,
      String persistenceId,
      long seqNr,
      String eventType,
      Object event,
      String error,
      Long blockedBy,
      String status,
      int attempts,
      Instant firstFailureAt,
      Instant lastFailureAt) {}

  /** For each given cart that has a parked event in this projection, the id of its first one. */
  static Map<String, Long> parkedHeads(Connection c, String projection, List<SequencedEvent> events) throws SQLException {
    String[] pids = events.stream().map(SequencedEvent::persistenceId).distinct().toArray(String[]::new);
    Map<String, Long> heads = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            SELECT persistence_id, min(id) FROM readside_dead_letter
             WHERE projection_name = ? AND status = 'parked' AND persistence_id = ANY (?)
             GROUP BY persistence_id
            """)) {
      ps.setString(1, projection);
      ps.setArray(2, c.createArrayOf("text", pids));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          heads.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return heads;
  }

  /** The events minus those an operator discarded for this projection. */
  static List<SequencedEvent> withoutDiscarded(Connection c, String projection, List<SequencedEvent> events) throws SQLException {
    String[] pids = events.stream().map(SequencedEvent::persistenceId).distinct().toArray(String[]::new);
    java.util.Set<String> discarded = new java.util.HashSet<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            SELECT persistence_id, seq_nr FROM readside_dead_letter
             WHERE projection_name = ? AND status = 'discarded' AND persistence_id = ANY (?)
            """)) {
      ps.setString(1, projection);
      ps.setArray(2, c.createArrayOf("text", pids));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          discarded.add(rs.getString(1) + "#" + rs.getLong(2));
        }
      }
    }
    if (discarded.isEmpty()) {
      return events;
    }
    return events.stream().filter(e -> !discarded.contains(e.persistenceId() + "#" + e.seqNr())).toList();
  }

  static long park(Connection c, String projection, int slice, SequencedEvent e, String error, Long blockedBy)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO readside_dead_letter
                   (projection_name, slice, event_offset, persistence_id, seq_nr, event_type, event, error, blocked_by)
            VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
            ON CONFLICT (projection_name, persistence_id, seq_nr) DO UPDATE SET
                   status = 'parked', error = EXCLUDED.error, blocked_by = EXCLUDED.blocked_by,
                   attempts = readside_dead_letter.attempts + 1, last_failure_at = now(), resolved_at = NULL
            RETURNING id
            """)) {
      ps.setString(1, projection);
      ps.setInt(2, slice);
      ps.setLong(3, e.offset());
      ps.setString(4, e.persistenceId());
      ps.setLong(5, e.seqNr());
      ps.setString(6, e.event().getClass().getSimpleName());
      ps.setString(7, Json.write(e.event()));
      ps.setString(8, error);
      ps.setObject(9, blockedBy);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  public static List<DeadLetter> list(Connection c, Optional<String> status, int limit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            SELECT + " WHERE (?::text IS NULL OR status = ?) ORDER BY id DESC LIMIT ?")) {
      ps.setString(1, status.orElse(null));
      ps.setString(2, status.orElse(null));
      ps.setInt(3, limit);
      return read(ps);
    }
  }

  public static Optional<DeadLetter> find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ?")) {
      ps.setLong(1, id);
      return read(ps).stream().findFirst();
    }
  }

  /** The parked events of one cart in one projection, in the cart's order, locked for a retry. */
  public static List<DeadLetter> parkedChainLocked(Connection c, String projection, String persistenceId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            SELECT + " WHERE projection_name = ? AND persistence_id = ? AND status = 'parked' ORDER BY seq_nr FOR UPDATE")) {
      ps.setString(1, projection);
      ps.setString(2, persistenceId);
      return read(ps);
    }
  }

  public static void resolve(Connection c, List<Long> ids, String status) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE readside_dead_letter SET status = ?, resolved_at = now() WHERE id = ANY (?)")) {
      ps.setString(1, status);
      ps.setArray(2, c.createArrayOf("bigint", ids.toArray()));
      ps.executeUpdate();
    }
  }

  /**
   * Forgets a slice's parked events of one projection: a rebuild replays them, and parks them
   * again if they still fail.
   */
  public static int deleteParked(Connection c, String projection, int slice) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM readside_dead_letter WHERE projection_name = ? AND slice = ? AND status = 'parked'")) {
      ps.setString(1, projection);
      ps.setInt(2, slice);
      return ps.executeUpdate();
    }
  }

  public static void recordFailure(Connection c, long id, String error) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE readside_dead_letter SET attempts = attempts + 1, last_failure_at = now(), error = ? WHERE id = ?")) {
      ps.setString(1, error);
      ps.setLong(2, id);
      ps.executeUpdate();
    }
  }

  public static SequencedEvent toEvent(DeadLetter d) {
    Class<?> type =
        Arrays.stream(CartEvent.class.getPermittedSubclasses())
            .filter(k -> k.getSimpleName().equals(d.eventType()))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("unknown event type " + d.eventType()));
    Object json = d.event();
    if (json instanceof Map<?, ?> fields && !fields.containsKey("idempotencyKey")) {
      // Parked before events carried the client's Idempotency-Key: it had none.
      Map<Object, Object> withKey = new java.util.LinkedHashMap<>(fields);
      withKey.put("idempotencyKey", null);
      json = withKey;
    }
    CartEvent event = (CartEvent) Json.MAPPER.convertValue(json, type);
    return new SequencedEvent(d.offset(), d.persistenceId(), d.seqNr(), event);
  }

  private static final String SELECT =
      """
      SELECT id, projection_name, slice, event_offset, persistence_id, seq_nr, event_type, event::text, error,
             blocked_by, status, attempts, first_failure_at, last_failure_at
        FROM readside_dead_letter
      """;

  private static List<DeadLetter> read(PreparedStatement ps) throws SQLException {
    List<DeadLetter> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new DeadLetter(
                rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getString(5), rs.getLong(6),
                rs.getString(7), Json.parse(rs.getString(8)), rs.getString(9), (Long) rs.getObject(10), rs.getString(11),
                rs.getInt(12), instant(rs.getTimestamp(13)), instant(rs.getTimestamp(14))));
      }
    }
    return out;
  }

  private static Instant instant(Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }
}
