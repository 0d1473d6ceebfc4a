package io.readside.projections;

import io.readside.events.CartEvent;
import java.util.List;

/**
 * A cart event as the horizon source reads it: the writing transaction's id and the journal
 * ordering (together the offset, in that order), the cart's persistence id and sequence number.
 */
public record HorizonEnvelope(long txId, long ordering, String persistenceId, long seqNr, CartEvent event, long timestamp) {

  /** The offset as the projection's offset store keeps it (manifest STR): {@code "<tx_id>:<ordering>"}. */
  public String offset() {
    return HorizonOffset.format(txId, ordering);
  }

  static List<SequencedEvent> sequenced(List<HorizonEnvelope> envelopes) {
    return envelopes.stream().map(e -> new SequencedEvent(e.ordering(), e.persistenceId(), e.seqNr(), e.event())).toList();
  }
}
