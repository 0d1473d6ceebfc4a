package io.readside.projections.admin;

import io.readside.projections.HorizonOffset;
import io.readside.projections.Worker;

/**
 * Where a slice's reader stands in the order its event source reads: journal orderings for
 * eventsByTag, (tx_id, ordering) for the horizon source. Replays that must end exactly where a
 * live instance stands (a shadow rebuild) read in the same order up to the same position.
 */
sealed interface SlicePosition {
  /** eventsByTag: every row of the tag with ordering at or below this one. */
  record Ordering(long ordering) implements SlicePosition {}

  /** The horizon source: every row of the tag at or below (tx_id, ordering) in that order. */
  record Horizon(HorizonOffset offset) implements SlicePosition {}

  /** Before the first event, in the order the source reads. */
  static SlicePosition start(Worker.Source source) {
    return switch (source) {
      case EVENTS_BY_TAG -> new Ordering(0);
      case HORIZON -> new Horizon(HorizonOffset.START);
    };
  }

  /** The position of a stored offset: manifest SEQ is an ordering, STR a "tx_id:ordering". */
  static SlicePosition ofStored(String manifest, String value) {
    return switch (manifest) {
      case "SEQ" -> new Ordering(Long.parseLong(value));
      case "STR" -> new Horizon(HorizonOffset.parse(value));
      default -> throw new IllegalStateException("an offset with manifest " + manifest + " is neither an ordering nor a horizon offset");
    };
  }

  /** The position just after a journal row read in this position's order. */
  default SlicePosition after(long txId, long ordering) {
    return switch (this) {
      case Ordering o -> new Ordering(ordering);
      case Horizon h -> new Horizon(new HorizonOffset(txId, ordering));
    };
  }

  /** Before the first event, in this position's order. */
  default SlicePosition start() {
    return switch (this) {
      case Ordering o -> new Ordering(0);
      case Horizon h -> new Horizon(HorizonOffset.START);
    };
  }

  /** As stored and shown: the ordering, or "tx_id:ordering". */
  default String text() {
    return switch (this) {
      case Ordering o -> Long.toString(o.ordering());
      case Horizon h -> h.offset().toString();
    };
  }

  default boolean sameKindAs(SlicePosition other) {
    return getClass() == other.getClass();
  }
}
