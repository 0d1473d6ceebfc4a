package io.readside.projections;

import com.fasterxml.jackson.annotation.JsonValue;
import io.readside.events.CartEvent;
import io.readside.platform.Json;
import io.readside.platform.RowMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** An event a projection could not apply, as {@link DeadLetters} keeps it. */
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
    Status status,
    int attempts,
    Instant firstFailureAt,
    Instant lastFailureAt) {

  /** Parked until an operator acts; retried (applied) or discarded after. Stored and shown in lower case. */
  public enum Status {
    PARKED, RETRIED, DISCARDED;

    @JsonValue
    public String stored() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Status ofStored(String stored) {
      return valueOf(stored.toUpperCase(Locale.ROOT));
    }
  }

  /** The columns {@link #of} reads, in order. */
  static final String COLUMNS =
      """
      id, projection_name, slice, event_offset, persistence_id, seq_nr, event_type, event::text, error,
      blocked_by, status, attempts, first_failure_at, last_failure_at
      """;

  static DeadLetter of(ResultSet rs) throws SQLException {
    return new DeadLetter(
        rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getString(5), rs.getLong(6),
        rs.getString(7), Json.parse(rs.getString(8)), rs.getString(9), (Long) rs.getObject(10), Status.ofStored(rs.getString(11)),
        rs.getInt(12), RowMapper.instant(rs, 13), RowMapper.instant(rs, 14));
  }

  /** The event again, as the worker read it from the journal. */
  public SequencedEvent toEvent() {
    Class<?> type =
        Arrays.stream(CartEvent.class.getPermittedSubclasses())
            .filter(k -> k.getSimpleName().equals(eventType))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("unknown event type " + eventType));
    Object json = event;
    if (json instanceof Map<?, ?> fields && !fields.containsKey("idempotencyKey")) {
      // Parked before events carried the client's Idempotency-Key: it had none.
      Map<Object, Object> withKey = new LinkedHashMap<>(fields);
      withKey.put("idempotencyKey", null);
      json = withKey;
    }
    CartEvent cartEvent = (CartEvent) Json.MAPPER.convertValue(json, type);
    return new SequencedEvent(offset, persistenceId, seqNr, cartEvent);
  }
}
