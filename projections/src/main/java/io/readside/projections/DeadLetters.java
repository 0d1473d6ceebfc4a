package io.readside.projections;

import io.readside.platform.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The owner of readside_dead_letter (every write to it is here, and the reads too): parking,
 * listing, retrying, discarding.
 */
public final class DeadLetters {
  private DeadLetters() {}

  /**
   * The group transaction's first statement: the slice's epoch row, locked until commit and
   * checked ({@link SliceFence#verify}: a stale instance must not commit rows or offset), joined
   * to what the dead letters say about the group's carts: the events an operator discarded, and
   * for each cart with a parked event, the id of its first one. One statement, not two: a live
   * tail's group is a few events and its round trips are most of its cost (issue 13).
   */
  static InGroup fencedInGroup(Connection c, SliceFence fence, String projection, List<SequencedEvent> events)
      throws SQLException {
    String[] pids = events.stream().map(SequencedEvent::persistenceId).distinct().toArray(String[]::new);
    Set<String> discarded = new HashSet<>();
    Map<String, Long> parkedHeads = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            SELECT e.epoch, e.owner, d.persistence_id, d.seq_nr, d.id, d.status
              FROM readside_slice_epoch e
              LEFT JOIN readside_dead_letter d
                     ON d.projection_name = ? AND d.persistence_id = ANY (?) AND d.status IN ('parked', 'discarded')
             WHERE e.projection_name = ? AND e.projection_key = ?
               FOR SHARE OF e
            """)) {
      ps.setString(1, projection);
      ps.setArray(2, c.createArrayOf("text", pids));
      fence.bindEpochRow(ps, 3);
      try (ResultSet rs = ps.executeQuery()) {
        boolean found = rs.next();
        fence.verify(found, found ? rs.getLong(1) : 0, found ? rs.getString(2) : null);
        do {
          if (rs.getString(3) == null) {
            continue; // the epoch row without a dead letter
          }
          if (DeadLetter.Status.ofStored(rs.getString(6)) == DeadLetter.Status.DISCARDED) {
            discarded.add(key(rs.getString(3), rs.getLong(4)));
          } else {
            parkedHeads.merge(rs.getString(3), rs.getLong(5), Math::min);
          }
        } while (rs.next());
      }
    }
    return new InGroup(discarded, parkedHeads);
  }

  /** The dead letters of a group's carts: see {@link #fencedInGroup}. */
  record InGroup(Set<String> discarded, Map<String, Long> parkedHeads) {
    /** The events minus those an operator discarded for this projection. */
    List<SequencedEvent> withoutDiscarded(List<SequencedEvent> events) {
      return discarded.isEmpty() ? events : events.stream().filter(e -> !discarded.contains(key(e.persistenceId(), e.seqNr()))).toList();
    }
  }

  /** How an event is named in the sets below: its cart's persistence id and its sequence number. */
  public static String key(String persistenceId, long seqNr) {
    return persistenceId + "#" + seqNr;
  }

  /** An event of a slice that the live rows leave out, because it is parked or was discarded. */
  public record LeftOut(long id, long offset, String persistenceId, long seqNr, DeadLetter.Status status) {
    public String key() {
      return DeadLetters.key(persistenceId, seqNr);
    }
  }

  /** The slice's events the projection's live rows leave out (parked or discarded), oldest dead letter first. */
  public static List<LeftOut> leftOut(Connection c, String projection, int slice) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            SELECT id, event_offset, persistence_id, seq_nr, status FROM readside_dead_letter
             WHERE projection_name = ? AND slice = ? AND status IN ('parked', 'discarded')
             ORDER BY id
            """)) {
      ps.setString(1, projection);
      ps.setInt(2, slice);
      List<LeftOut> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new LeftOut(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4), DeadLetter.Status.ofStored(rs.getString(5))));
        }
      }
      return out;
    }
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

  public static List<DeadLetter> list(Connection c, Optional<DeadLetter.Status> status, int limit) throws SQLException {
    String stored = status.map(DeadLetter.Status::stored).orElse(null);
    try (PreparedStatement ps =
        c.prepareStatement(
            SELECT + " WHERE (?::text IS NULL OR status = ?) ORDER BY id DESC LIMIT ?")) {
      ps.setString(1, stored);
      ps.setString(2, stored);
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

  /** Marks parked events retried or discarded. */
  public static void resolve(Connection c, List<Long> ids, DeadLetter.Status status) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE readside_dead_letter SET status = ?, resolved_at = now() WHERE id = ANY (?)")) {
      ps.setString(1, status.stored());
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

  /** Forgets every dead letter of every projection (the benchmark's reset, with every projection emptied). */
  public static void deleteAll(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM readside_dead_letter")) {
      ps.executeUpdate();
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

  private static final String SELECT = "SELECT " + DeadLetter.COLUMNS + " FROM readside_dead_letter";

  private static List<DeadLetter> read(PreparedStatement ps) throws SQLException {
    List<DeadLetter> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(DeadLetter.of(rs));
      }
    }
    return out;
  }
}
