package io.readside.projections;

import io.readside.events.CartEvent;
import java.util.List;

/** A cart event with its sequence number in the cart's journal: all a repository needs. */
public record SequencedEvent(long seqNr, CartEvent event) {

  public static List<SequencedEvent> of(List<org.apache.pekko.projection.eventsourced.EventEnvelope<CartEvent>> envelopes) {
    return envelopes.stream().map(e -> new SequencedEvent(e.sequenceNr(), e.event())).toList();
  }
}
