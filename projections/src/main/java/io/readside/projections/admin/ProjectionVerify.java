package io.readside.projections.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.readside.projections.DeadLetter;
import io.readside.projections.DeadLetters;
import io.readside.projections.ReadModelProjection;
import io.readside.projections.SequencedEvent;
import io.readside.projections.Worker;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.serialization.Serialization;

/**
 * Replays a projection's journal, slice by slice, into temporary copies of its tables up to the
 * slice's offset, and compares them with the live tables as of that same offset.
 *
 * <p>The horizon costs nothing: a projection commits its rows and its offset in one transaction,
 * so one REPEATABLE READ transaction that reads the offset and later the live rows sees both at
 * one point. The replay runs in that transaction too, through the projection's own writer, with
 * {@code search_path} pointing at temporary tables of the same names (the writers name their
 * tables unqualified); rolling back drops them. The journal is read on a second connection, in
 * later snapshots: an event below the offset that committed after the projection moved past it
 * (a skip) is then in the replay and not in the live rows, which is exactly the difference to
 * report. Events parked or discarded as dead letters are not in the live rows and are left out
 * of the replay; parked ones are listed separately.
 */
public final class ProjectionVerify {
  /** Where connections come from: the admin pool, or DATABASE_URL for the command line. */
  @FunctionalInterface
  public interface Connections {
    Connection open() throws SQLException;
  }

  /** Told after every batch: events of the slice replayed so far, and how many there are. */
  @FunctionalInterface
  public interface Progress {
    void replayed(int slice, long events, long total);

    Progress NONE = (slice, events, total) -> {};
  }

  /** One row that differs: its table and key, which columns, and both rows (null: no such row). */
  public record Difference(
      String table, int slice, Map<String, JsonNode> key, List<String> columns, JsonNode live, JsonNode replayed) {}

  /** An event parked as a dead letter below the horizon: in neither the live rows nor the replay. */
  public record ParkedEvent(long deadLetterId, int slice, long offset, String persistenceId, long seqNr) {}

  /** horizon: the slice's offset the comparison stands at ("ordering", or "tx_id:ordering" with the horizon source). */
  public record SliceResult(int slice, String horizon, long eventsReplayed, long deadLettersLeftOut, int differences) {}

  public record Report(
      String projection,
      boolean equal,
      int differenceCount,
      long eventsReplayed,
      long millis,
      List<SliceResult> slices,
      List<Difference> differences,
      List<ParkedEvent> parked) {}

  private static final int BATCH = 500;

  private final Connections connections;
  private final SliceJournal journal;
  private final Worker.Source source;

  public ProjectionVerify(Connections connections, Serialization serialization, Worker.Source source) {
    this.connections = connections;
    this.journal = new SliceJournal(serialization);
    this.source = source;
  }

  public Report run(ReadModelProjection projection, List<Integer> slices, Progress progress) throws SQLException {
    long started = System.nanoTime();
    List<SliceResult> results = new ArrayList<>();
    List<Difference> differences = new ArrayList<>();
    List<ParkedEvent> parked = new ArrayList<>();
    for (int slice : slices) {
      results.add(verifySlice(projection, slice, progress, differences, parked));
    }
    long replayed = results.stream().mapToLong(SliceResult::eventsReplayed).sum();
    return new Report(
        projection.name(), differences.isEmpty(), differences.size(), replayed,
        (System.nanoTime() - started) / 1_000_000, results, differences, parked);
  }

  private SliceResult verifySlice(
      ReadModelProjection projection, int slice, Progress progress, List<Difference> differences, List<ParkedEvent> parked)
      throws SQLException {
    try (Connection live = connections.open(); Connection journalConnection = connections.open()) {
      live.setAutoCommit(false);
      live.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      journalConnection.setAutoCommit(true);
      try {
        // The first statement fixes the snapshot: this offset and the live rows read below agree.
        SlicePosition start = SlicePosition.start(source);
        SlicePosition horizon = OffsetStore.position(live, Worker.projectionId(projection, slice)).orElse(start);
        if (!horizon.sameKindAs(start)) {
          start = horizon.start();
        }
        Set<String> leftOut = deadLetters(live, projection, slice, horizon, parked);
        createCopies(live, projection);
        long replayed = replay(live, journalConnection, projection, slice, start, horizon, leftOut, progress);
        int before = differences.size();
        for (String table : projection.tables()) {
          differences.addAll(RowComparison.compare(live, projection, table, slice));
        }
        return new SliceResult(slice, horizon.text(), replayed, leftOut.size(), differences.size() - before);
      } finally {
        // Drops the copies and restores the search_path; nothing live was written.
        live.rollback();
        live.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        live.setAutoCommit(true);
      }
    }
  }

  /** Events of the slice the live rows do not hold because they were parked or discarded; parked ones below the horizon listed. */
  private static Set<String> deadLetters(
      Connection c, ReadModelProjection projection, int slice, SlicePosition horizon, List<ParkedEvent> parked) throws SQLException {
    Set<String> leftOut = new HashSet<>();
    for (DeadLetters.LeftOut d : DeadLetters.leftOut(c, projection.name(), slice)) {
      leftOut.add(d.key());
      if (d.status() == DeadLetter.Status.PARKED && SliceJournal.isAtOrBelow(c, slice, d.offset(), horizon)) {
        parked.add(new ParkedEvent(d.id(), slice, d.offset(), d.persistenceId(), d.seqNr()));
      }
    }
    return leftOut;
  }

  /** Empty temporary tables shaped like the live ones, found first by the writer's unqualified names. */
  private static void createCopies(Connection c, ReadModelProjection projection) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String table : projection.writtenTables()) {
        // Table names are constants of the projection's definition, checked by ReadModelProjection.
        st.execute("CREATE TEMPORARY TABLE " + table + " (LIKE read_model." + table + " INCLUDING ALL) ON COMMIT DROP");
      }
      // Without read_model: a table the projection forgot to declare fails the replay instead of
      // writing the live one.
      st.execute("SET LOCAL search_path = pg_temp, public");
    }
  }

  private long replay(
      Connection live, Connection journalConnection, ReadModelProjection projection, int slice, SlicePosition start,
      SlicePosition horizon, Set<String> leftOut, Progress progress) throws SQLException {
    long total = SliceJournal.count(journalConnection, slice, start, horizon);
    SlicePosition after = start;
    long replayed = 0;
    while (true) {
      List<SliceJournal.Row> rows = journal.batch(journalConnection, slice, after, horizon, BATCH);
      if (rows.isEmpty()) {
        return replayed;
      }
      List<SequencedEvent> events = new ArrayList<>();
      for (SliceJournal.Row row : rows) {
        if (!leftOut.contains(DeadLetters.key(row.event().persistenceId(), row.event().seqNr()))) {
          events.add(row.event());
        }
      }
      if (!events.isEmpty()) {
        projection.writer().write(live, slice, events);
      }
      replayed += rows.size();
      SliceJournal.Row last = rows.getLast();
      after = after.after(last.txId(), last.ordering());
      progress.replayed(slice, replayed, Math.max(total, replayed));
    }
  }
}
