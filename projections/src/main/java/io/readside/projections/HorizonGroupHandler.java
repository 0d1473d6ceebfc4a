package io.readside.projections;

import java.util.List;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/** The horizon source's groups through the same {@link GroupHandler}: fencing, retries, dead letters. */
final class HorizonGroupHandler extends JdbcHandler<List<HorizonEnvelope>, PooledJdbcSession> {
  private final GroupHandler handler;

  HorizonGroupHandler(GroupHandler handler) {
    this.handler = handler;
  }

  @Override
  public void process(PooledJdbcSession session, List<HorizonEnvelope> envelopes) throws Exception {
    handler.processEvents(session, HorizonEnvelope.sequenced(envelopes));
  }
}
