package io.readside.projections;

import io.readside.events.CartEvent;
import java.util.List;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/** Hands a group of envelopes to a repository on the session's connection, inside its transaction. */
final class GroupHandler extends JdbcHandler<List<EventEnvelope<CartEvent>>, PooledJdbcSession> {
  private final int slice;
  private final SliceWriter writer;

  GroupHandler(int slice, SliceWriter writer) {
    this.slice = slice;
    this.writer = writer;
  }

  @Override
  public void process(PooledJdbcSession session, List<EventEnvelope<CartEvent>> envelopes) throws Exception {
    List<SequencedEvent> events = SequencedEvent.of(envelopes);
    session.withConnection(
        connection -> {
          writer.write(connection, slice, events);
          return null;
        });
  }
}
