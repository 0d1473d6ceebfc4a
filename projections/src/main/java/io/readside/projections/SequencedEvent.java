package io.readside.projections;

import io.readside.events.CartEvent;
import java.util.List;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.projection.eventsourced.EventEnvelope;

/** A cart event with where it sits: its journal offset, its cart's persistence id and sequence number. */
public record SequencedEvent(long offset, String persistenceId, long seqNr, CartEvent event) {

  /** For tests and retries, where only the cart's order matters. */
  public SequencedEvent(long seqNr, CartEvent event) {
    this(0, "ShoppingCart|" + event.cartId(), seqNr, event);
  }

  public static List<SequencedEvent> of(List<EventEnvelope<CartEvent>> envelopes) {
    return envelopes.stream()
        .map(e -> new SequencedEvent(offsetOf(e), e.persistenceId(), e.sequenceNr(), e.event()))
        .toList();
  }

  private static long offsetOf(EventEnvelope<CartEvent> envelope) {
    return envelope.offset() instanceof Sequence sequence ? sequence.value() : 0L;
  }
}
