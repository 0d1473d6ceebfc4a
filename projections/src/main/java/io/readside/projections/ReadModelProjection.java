package io.readside.projections;

import io.readside.events.CartEvent;
import java.util.List;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * A read model fed from the cart journal: its ProjectionId name and the repository that folds a
 * group of a slice's events into its tables. Adding a projection means one of these, one
 * repository and one migration.
 */
public record ReadModelProjection(String name, SliceWriter writer) {

  public JdbcHandler<List<EventEnvelope<CartEvent>>, PooledJdbcSession> handlerFor(int slice) {
    return new GroupHandler(slice, writer);
  }
}
