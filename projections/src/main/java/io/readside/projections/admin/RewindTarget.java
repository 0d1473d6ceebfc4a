package io.readside.projections.admin;

import java.time.Instant;

/** Where a rewind goes: an offset, or the last event written before a time. */
sealed interface RewindTarget {
  record ToOffset(long offset) implements RewindTarget {}

  record ToTimestamp(Instant timestamp) implements RewindTarget {}
}
