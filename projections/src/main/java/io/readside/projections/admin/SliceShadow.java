package io.readside.projections.admin;

import io.readside.projections.DeadLetters;
import io.readside.projections.ReadModelProjection;
import io.readside.projections.SequencedEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.projection.ProjectionId;

/**
 * Where the shadow of one slice stands, and which events it left out as dead letters: events
 * parked or discarded for the projection are left out of the shadow as the worker left them out
 * of the live rows.
 */
final class SliceShadow {
  private static final int BATCH = 500;

  final int slice;
  final ProjectionId id;
  private SlicePosition position;
  private final Set<String> leftOut = new HashSet<>();

  SliceShadow(int slice, ProjectionId id, SlicePosition position) {
    this.slice = slice;
    this.id = id;
    this.position = position;
  }

  /** Events between the shadow and the live offset of its slice. */
  long behind(Connection c) throws SQLException {
    Optional<SlicePosition> live = OffsetStore.position(c, id);
    return live.isEmpty() ? 0 : SliceJournal.count(c, slice, position, live.get());
  }

  /** One batch into the shadow tables, at most up to {@code upTo}; the number of journal rows it passed. */
  int replayBatch(Connection c, ReadModelProjection projection, SliceJournal journal, SlicePosition upTo) throws SQLException {
    List<SliceJournal.Row> rows = journal.batch(c, slice, position, upTo, BATCH);
    if (rows.isEmpty()) {
      return 0;
    }
    Set<String> deadLetters = deadLetters(c, projection);
    List<SequencedEvent> events = new ArrayList<>();
    for (SliceJournal.Row row : rows) {
      String key = DeadLetters.key(row.event().persistenceId(), row.event().seqNr());
      if (deadLetters.contains(key)) {
        leftOut.add(key);
      } else {
        events.add(row.event());
      }
    }
    if (!events.isEmpty()) {
      ShadowTables.writeToCopies(c, copies -> projection.writer().write(copies, slice, events));
    }
    SliceJournal.Row last = rows.getLast();
    position = position.after(last.txId(), last.ordering());
    return rows.size();
  }

  /** Fails when the slice's dead letters changed since the shadow left them out (an event parked meanwhile). */
  void checkDeadLettersUnchanged(Connection c, ReadModelProjection projection) throws SQLException {
    if (!deadLetters(c, projection).equals(leftOut)) {
      throw new IllegalStateException("slice " + slice + "'s dead letters changed while the shadow was built"
          + " (an event was parked meanwhile); nothing was swapped, run the shadow rebuild again");
    }
  }

  private Set<String> deadLetters(Connection c, ReadModelProjection projection) throws SQLException {
    Set<String> keys = new HashSet<>();
    for (DeadLetters.LeftOut d : DeadLetters.leftOut(c, projection.name(), slice)) {
      keys.add(d.key());
    }
    return keys;
  }
}
