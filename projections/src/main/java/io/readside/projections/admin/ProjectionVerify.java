package io.readside.projections.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.readside.platform.Json;
import io.readside.projections.ReadModelProjection;
import io.readside.projections.SequencedEvent;
import io.readside.projections.Worker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
          differences.addAll(compare(live, projection, table, slice));
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

  /** Events of the slice the live rows do not hold because they were parked or discarded. */
  private static Set<String> deadLetters(
      Connection c, ReadModelProjection projection, int slice, SlicePosition horizon, List<ParkedEvent> parked) throws SQLException {
    Set<String> leftOut = new HashSet<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            SELECT id, event_offset, persistence_id, seq_nr, status FROM readside_dead_letter
             WHERE projection_name = ? AND slice = ? AND status IN ('parked', 'discarded')
             ORDER BY id
            """)) {
      ps.setString(1, projection.name());
      ps.setInt(2, slice);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          leftOut.add(rs.getString(3) + "#" + rs.getLong(4));
          if (rs.getString(5).equals("parked") && SliceJournal.isAtOrBelow(c, slice, rs.getLong(2), horizon)) {
            parked.add(new ParkedEvent(rs.getLong(1), slice, rs.getLong(2), rs.getString(3), rs.getLong(4)));
          }
        }
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
        if (!leftOut.contains(row.event().persistenceId() + "#" + row.event().seqNr())) {
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

  /**
   * The live rows of the slice against the replayed ones, matched on the primary key; a row on one
   * side only is a difference too. A table without a slice column belongs to the slice through the
   * slice table's key (cart_line through cart_summary.cart_id).
   */
  private static List<Difference> compare(Connection c, ReadModelProjection projection, String table, int slice)
      throws SQLException {
    List<String> key = primaryKey(c, "read_model." + table);
    String liveRows;
    if (hasColumn(c, table, "slice")) {
      liveRows = "SELECT * FROM read_model." + table + " WHERE slice = ?";
    } else {
      String sliceKey = primaryKey(c, projection.sliceTable()).getFirst();
      liveRows = "SELECT * FROM read_model." + table + " WHERE " + sliceKey + " IN (SELECT " + sliceKey + " FROM "
          + projection.sliceTable() + " WHERE slice = ?)";
    }
    // Names come from the catalog and the projection's definition; the slice is bound.
    StringBuilder on = new StringBuilder();
    StringBuilder order = new StringBuilder();
    for (String k : key) {
      on.append(on.isEmpty() ? "" : " AND ").append("l.").append(k).append(" = r.").append(k);
      order.append(order.isEmpty() ? "" : ", ").append("coalesce(l.").append(k).append(", r.").append(k).append(")");
    }
    String sql = "SELECT to_jsonb(l)::text, to_jsonb(r)::text FROM (" + liveRows + ") l FULL OUTER JOIN pg_temp." + table
        + " r ON " + on + " WHERE to_jsonb(l) IS DISTINCT FROM to_jsonb(r) ORDER BY " + order;
    List<Difference> differences = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, slice);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          differences.add(difference(table, slice, key, parse(rs.getString(1)), parse(rs.getString(2))));
        }
      }
    }
    return differences;
  }

  private static Difference difference(String table, int slice, List<String> key, JsonNode live, JsonNode replayed) {
    JsonNode either = live != null ? live : replayed;
    Map<String, JsonNode> keyValues = new LinkedHashMap<>();
    for (String k : key) {
      keyValues.put(k, either.get(k));
    }
    List<String> columns = new ArrayList<>();
    if (live != null && replayed != null) {
      for (Iterator<String> names = live.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!Objects.equals(live.get(name), replayed.get(name))) {
          columns.add(name);
        }
      }
    }
    return new Difference("read_model." + table, slice, keyValues, columns, live, replayed);
  }

  private static JsonNode parse(String json) {
    if (json == null) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("PostgreSQL returned JSON that does not parse: " + e.getMessage(), e);
    }
  }

  private static List<String> primaryKey(Connection c, String table) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            SELECT a.attname FROM pg_index i
              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
             WHERE i.indrelid = ?::regclass AND i.indisprimary
             ORDER BY array_position(i.indkey::int2[], a.attnum)
            """)) {
      ps.setString(1, table);
      List<String> columns = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
      if (columns.isEmpty()) {
        throw new IllegalStateException(table + " has no primary key to compare rows by");
      }
      return columns;
    }
  }

  private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = 'read_model' AND table_name = ? AND column_name = ?")) {
      ps.setString(1, table);
      ps.setString(2, column);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
