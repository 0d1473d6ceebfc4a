package io.readside.projections;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.opentelemetry.api.trace.Span;
import io.readside.events.CartEvent;
import io.readside.platform.Tracing;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a group of a slice's envelopes inside the projection's transaction, and decides what a
 * failure means. A transient one (the database, the connection) rolls the group back and restarts
 * the instance with backoff. Any other is retried at once; if it repeats, the policy either stops
 * the projection (the error surfaces, the offset stays) or isolates the failing events and parks
 * them as dead letters in this same transaction, so the offset moves on with nothing lost.
 * A cart with a parked event has its later events parked behind it: its order is kept.
 */
final class GroupHandler extends JdbcHandler<List<EventEnvelope<CartEvent>>, PooledJdbcSession> {
  private static final Logger log = LoggerFactory.getLogger(GroupHandler.class);

  private final ReadModelProjection projection;
  private final int slice;
  private final FailurePolicy policy;
  private final SliceFence fence;
  private final Counter applied;
  private final Counter failedAttempts;
  private final Counter parkedEvents;
  private final ProjectionSpans spans;

  GroupHandler(ReadModelProjection projection, int slice, FailurePolicy policy, SliceFence fence, MeterRegistry metrics) {
    this(projection, slice, policy, fence, metrics, Tracing.off());
  }

  GroupHandler(
      ReadModelProjection projection, int slice, FailurePolicy policy, SliceFence fence, MeterRegistry metrics, Tracing tracing) {
    this.projection = projection;
    this.slice = slice;
    this.policy = policy;
    this.fence = fence;
    Tags tags = Tags.of("projection", projection.name(), "slice", Integer.toString(slice));
    this.applied = Counter.builder("readside.projection.events").description("Events applied to the read model").tags(tags).register(metrics);
    this.failedAttempts = Counter.builder("readside.projection.failed.attempts").description("Failed attempts to apply a group").tags(tags).register(metrics);
    this.parkedEvents = Counter.builder("readside.projection.dead.letters").description("Events parked as dead letters").tags(tags).register(metrics);
    this.spans = new ProjectionSpans(tracing, projection.name(), slice);
  }

  @Override
  public void process(PooledJdbcSession session, List<EventEnvelope<CartEvent>> envelopes) throws Exception {
    processEvents(session, SequencedEvent.of(envelopes));
  }

  /** The group, whatever source it came from: the eventsByTag one above, or {@link HorizonGroupHandler}. */
  void processEvents(PooledJdbcSession session, List<SequencedEvent> events) throws Exception {
    Span span = spans.start(events);
    try {
      session.withConnection(
          c -> {
            apply(c, events);
            return null;
          });
    } catch (Exception e) {
      ProjectionSpans.failed(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  void apply(Connection c, List<SequencedEvent> all) throws Exception {
    // First, under the epoch row's lock: a stale instance must not commit rows or offset. In the
    // same statement, the dead letters: an event an operator discarded stays discarded, also when
    // a rebuild or rewind replays it, and a cart with a parked event stays parked behind it.
    DeadLetters.InGroup deadLetters = DeadLetters.fencedInGroup(c, fence, projection.name(), all);
    List<SequencedEvent> events = deadLetters.withoutDiscarded(all);
    if (events.isEmpty()) {
      return;
    }
    Map<String, Long> parked = new HashMap<>(deadLetters.parkedHeads());
    List<SequencedEvent> free = new ArrayList<>();
    for (SequencedEvent e : events) {
      if (parked.containsKey(e.persistenceId())) {
        parkBehind(c, e, parked.get(e.persistenceId()));
      } else {
        free.add(e);
      }
    }
    if (free.isEmpty()) {
      return;
    }
    Exception failure = null;
    for (int attempt = 0; attempt <= policy.retries(); attempt++) {
      failure = tryWrite(c, free, false);
      if (failure == null) {
        applied.increment(free.size());
        return;
      }
      failedAttempts.increment();
      if (TransientFailures.isTransient(failure) || !c.isValid(2)) {
        // The database's fault, not the events': roll the group back and let the instance restart
        // with backoff, rather than wait inside an open transaction or park good events.
        log.warn("{} slice {}: transient failure, the group is rolled back and retried after a restart: {}", projection.name(), slice, describe(failure));
        throw failure;
      }
      log.warn("{} slice {}: group of {} failed (attempt {}): {}", projection.name(), slice, free.size(), attempt + 1, describe(failure));
    }
    if (policy.onFailure() == FailurePolicy.OnFailure.STOP) {
      throw failure;
    }
    isolateAndPark(c, free, parked);
  }

  /** One event at a time: the ones that fail are parked, and so is every later event of their cart. */
  private void isolateAndPark(Connection c, List<SequencedEvent> events, Map<String, Long> parked) throws Exception {
    for (SequencedEvent e : events) {
      Long head = parked.get(e.persistenceId());
      if (head != null) {
        parkBehind(c, e, head);
        continue;
      }
      Exception failure = tryWrite(c, List.of(e), true);
      if (failure == null) {
        applied.increment();
      } else if (TransientFailures.isTransient(failure) || !c.isValid(2)) {
        throw failure;
      } else {
        long id = DeadLetters.park(c, projection.name(), slice, e, describe(failure), null);
        parkedEvents.increment();
        parked.put(e.persistenceId(), id);
        log.error("{} slice {}: parked {} seqNr {} as dead letter {}: {}", projection.name(), slice, e.persistenceId(), e.seqNr(), id, describe(failure));
      }
    }
  }

  private void parkBehind(Connection c, SequencedEvent e, long head) throws SQLException {
    parkedEvents.increment();
    DeadLetters.park(c, projection.name(), slice, e, "parked behind dead letter " + head + " of the same cart", head);
  }

  /**
   * Writes under a savepoint, so a failure leaves the transaction usable; null when it worked.
   * A group's savepoint is left for its commit to release (a round trip less per group, which on
   * a live tail is a few statements in all); isolating events one by one releases each, or every
   * event would nest one level deeper.
   */
  private Exception tryWrite(Connection c, List<SequencedEvent> events, boolean release) throws SQLException {
    Savepoint savepoint = c.setSavepoint();
    try {
      projection.writer().write(c, slice, events);
      if (release) {
        c.releaseSavepoint(savepoint);
      }
      return null;
    } catch (Exception e) {
      c.rollback(savepoint);
      return e;
    }
  }

  static String describe(Throwable t) {
    String message = t.getMessage() == null ? "" : ": " + t.getMessage();
    return t.getClass().getSimpleName() + message;
  }
}
