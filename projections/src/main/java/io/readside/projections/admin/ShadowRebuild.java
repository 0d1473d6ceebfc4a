package io.readside.projections.admin;

import io.readside.projections.ReadModelProjection;
import io.readside.projections.SequencedEvent;
import io.readside.projections.SliceFence;
import io.readside.projections.Worker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.pekko.projection.ProjectionId;

/**
 * Blue/green rebuild of a projection: its tables are built again from the journal into copies in
 * schema {@code readside_shadow}, through the projection's own writer (the writers name their
 * tables unqualified, so {@code search_path} points them at the copies), while the live tables
 * keep serving reads and the live instances keep applying new events. When the shadow is close
 * behind the live offsets, every slice's instance is paused, the slices are fenced, and one
 * transaction replays the last events and replaces every live row with the shadow's; then the
 * instances resume and the copies are dropped. Readers see the old rows until that commit and the
 * new ones after it, never an empty or partial table; the live offsets do not move, since the
 * shadow ends exactly at them.
 *
 * <p>The live rows are replaced (DELETE and INSERT in one transaction) rather than the tables
 * renamed: views, foreign keys, grants and comments name the live tables by identity, and a
 * rename would leave them on the old ones. Dead letters are kept as they are: events parked or
 * discarded for the projection are left out of the shadow as the worker left them out of the live
 * rows (a retry or discard still works on them after the swap). An event the new build cannot
 * apply fails the rebuild, and nothing live changes.
 */
final class ShadowRebuild {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShadowRebuild.class);
  static final String SCHEMA = "readside_shadow";
  private static final int BATCH = 500;
  /** The swap starts once the shadow is this close behind the live offsets (events, all slices). */
  private static final long CLOSE_ENOUGH = 2_000;
  /** Catch-up rounds before swapping anyway (each round chases what the live instances added). */
  private static final int MAX_ROUNDS = 20;

  private final ProjectionOperations operations;
  private final DataSource pool;
  private final SliceJournal journal;
  private final ShadowRebuildProgress progress;

  ShadowRebuild(ProjectionOperations operations, DataSource pool, SliceJournal journal, ShadowRebuildProgress progress) {
    this.operations = operations;
    this.pool = pool;
    this.journal = journal;
    this.progress = progress;
  }

  /**
   * Takes every slice's operation lock (409 when another operation holds one) and builds in the
   * background; progress is in {@link ShadowRebuildProgress} and the status.
   */
  ShadowRebuildProgress.Report start(ReadModelProjection projection, String tokenId) throws Exception {
    List<Integer> slices = operations.slices(Optional.empty());
    SliceLocks locks = SliceLocks.acquire(pool, projection.name(), slices, "rebuild --shadow");
    ShadowRebuildProgress.Report begun;
    try {
      progress.begin(projection.name(), tokenId);
      // Read before the build starts: the answer says "building", however fast the build then is.
      begun = progress.read(projection.name()).orElseThrow();
    } catch (SQLException | RuntimeException e) {
      locks.close();
      throw e;
    }
    Thread.ofPlatform().name("shadow-rebuild-" + projection.name()).daemon().start(() -> {
      try (locks) {
        run(projection, slices, tokenId);
      } catch (Exception e) {
        LOG.warn("shadow rebuild of {}: releasing its slice locks failed", projection.name(), e);
        // run() records its own failures; this is the lock's release failing, which PostgreSQL
        // undoes when the connection goes.
      }
    });
    return begun;
  }

  /** Where the shadow of one slice stands, and which events it left out as dead letters. */
  private static final class SliceShadow {
    final int slice;
    final ProjectionId id;
    SlicePosition position;
    final Set<String> leftOut = new HashSet<>();

    SliceShadow(int slice, ProjectionId id, SlicePosition position) {
      this.slice = slice;
      this.id = id;
      this.position = position;
    }
  }

  private void run(ReadModelProjection projection, List<Integer> slices, String tokenId) {
    String action = "rebuild --shadow";
    Map<String, Object> arguments = Map.of("slice", "all", "shadow", true);
    try {
      operations.inTransaction(c -> {
        createShadowTables(c, projection);
        return null;
      });
      List<SliceShadow> shadows = new ArrayList<>();
      for (int s : slices) {
        ProjectionId id = Worker.projectionId(projection, s);
        Optional<SlicePosition> live = operations.inTransaction(c -> OffsetStore.position(c, id));
        shadows.add(new SliceShadow(s, id, SlicePosition.start(live.map(ShadowRebuild::sourceOf).orElse(operations.source()))));
      }
      long replayed = 0;
      for (int round = 1; ; round++) {
        long remaining = 0;
        for (SliceShadow shadow : shadows) {
          remaining += operations.inTransaction(c -> behind(c, shadow));
        }
        progress.update(projection.name(), replayed, replayed + remaining);
        if (remaining <= CLOSE_ENOUGH || round > MAX_ROUNDS) {
          break;
        }
        for (SliceShadow shadow : shadows) {
          replayed = catchUp(projection, shadow, replayed, replayed + remaining);
        }
      }
      progress.swapping(projection.name());
      SwapResult swap = swap(projection, shadows, tokenId, replayed);
      progress.done(projection.name(), swap.replayed(), swap.rows(), swap.pausedMillis(), swap.swapMillis());
      audit(projection, action, arguments, tokenId, "done");
    } catch (Exception e) {
      LOG.warn("shadow rebuild of {} failed", projection.name(), e);
      String why = ProjectionOperations.describe(e);
      try {
        progress.failed(projection.name(), why);
        audit(projection, action, arguments, tokenId, "failed");
      } catch (SQLException ignored) {
        // the database is gone; the stale progress row says "stalled" after a while
      }
    } finally {
      try {
        operations.inTransaction(c -> {
          dropShadowTables(c, projection);
          return null;
        });
      } catch (SQLException ignored) {
        // dropped by the next shadow rebuild of this projection, which recreates them
      }
    }
  }

  private static Worker.Source sourceOf(SlicePosition position) {
    return switch (position) {
      case SlicePosition.Ordering o -> Worker.Source.EVENTS_BY_TAG;
      case SlicePosition.Horizon h -> Worker.Source.HORIZON;
    };
  }

  /** Events between the shadow and the live offset of its slice. */
  private static long behind(Connection c, SliceShadow shadow) throws SQLException {
    Optional<SlicePosition> live = OffsetStore.position(c, shadow.id);
    return live.isEmpty() ? 0 : SliceJournal.count(c, shadow.slice, shadow.position, live.get());
  }

  /** Replays one slice up to its live offset as it is now, a batch per transaction. */
  private long catchUp(ReadModelProjection projection, SliceShadow shadow, long replayed, long total) throws SQLException {
    Optional<SlicePosition> live = operations.inTransaction(c -> OffsetStore.position(c, shadow.id));
    if (live.isEmpty()) {
      return replayed;
    }
    while (true) {
      int applied = operations.inTransaction(c -> replayBatch(c, projection, shadow, live.get()));
      if (applied == 0) {
        return replayed;
      }
      replayed += applied;
      progress.update(projection.name(), replayed, Math.max(total, replayed));
    }
  }

  /** One batch into the shadow tables; the number of journal rows it passed. */
  private int replayBatch(Connection c, ReadModelProjection projection, SliceShadow shadow, SlicePosition upTo) throws SQLException {
    List<SliceJournal.Row> rows = journal.batch(c, shadow.slice, shadow.position, upTo, BATCH);
    if (rows.isEmpty()) {
      return 0;
    }
    Set<String> deadLetters = deadLetters(c, projection, shadow.slice);
    List<SequencedEvent> events = new ArrayList<>();
    for (SliceJournal.Row row : rows) {
      String key = key(row.event().persistenceId(), row.event().seqNr());
      if (deadLetters.contains(key)) {
        shadow.leftOut.add(key);
      } else {
        events.add(row.event());
      }
    }
    if (!events.isEmpty()) {
      String livePath = searchPath(c);
      setSearchPath(c, SCHEMA + ", public");
      projection.writer().write(c, shadow.slice, events);
      setSearchPath(c, livePath);
    }
    SliceJournal.Row last = rows.getLast();
    shadow.position = shadow.position.after(last.txId(), last.ordering());
    return rows.size();
  }

  private record SwapResult(long replayed, long rows, long pausedMillis, long swapMillis) {}

  private record SwapCounts(long replayed, long rows) {}

  /**
   * Pauses every slice's instance, then in one transaction: fences the slices, replays what the
   * shadow still lacks up to their (now still) offsets, and replaces the live rows with the
   * shadow's. Resumes what was running, whatever happens.
   */
  private SwapResult swap(ReadModelProjection projection, List<SliceShadow> shadows, String tokenId, long replayedBefore)
      throws Exception {
    long pausedAt = System.nanoTime();
    Map<Integer, Boolean> wasPaused = new HashMap<>();
    try {
      for (SliceShadow shadow : shadows) {
        wasPaused.put(shadow.slice, operations.pauseForOperation(shadow.id));
      }
      long swapStarted = System.nanoTime();
      SwapCounts counts = operations.inTransaction(c -> {
        try (Statement st = c.createStatement()) {
          // The copy is one statement per table; the admin pool's statement timeout is for requests.
          st.execute("SET LOCAL statement_timeout = '10min'");
        }
        for (SliceShadow shadow : shadows) {
          // Waits for a group still in flight; no instance commits on these slices after this.
          SliceFence.advance(c, shadow.id, "rebuild --shadow by " + tokenId);
        }
        long replayed = replayedBefore;
        for (SliceShadow shadow : shadows) {
          Optional<SlicePosition> live = OffsetStore.position(c, shadow.id);
          if (live.isPresent()) {
            int n;
            while ((n = replayBatch(c, projection, shadow, live.get())) > 0) {
              replayed += n;
            }
          }
          Set<String> deadNow = deadLetters(c, projection, shadow.slice);
          if (!deadNow.equals(shadow.leftOut)) {
            throw new IllegalStateException("slice " + shadow.slice + "'s dead letters changed while the shadow was built"
                + " (an event was parked meanwhile); nothing was swapped, run the shadow rebuild again");
          }
          CompletenessAudit.record(c, shadow.slice);
          CompletenessAudit.markRepaired(c, projection.name(), shadow.slice);
        }
        return new SwapCounts(replayed, replaceLiveRows(c, projection));
      });
      long swapMillis = (System.nanoTime() - swapStarted) / 1_000_000;
      return new SwapResult(counts.replayed(), counts.rows(), (System.nanoTime() - pausedAt) / 1_000_000, swapMillis);
    } finally {
      for (SliceShadow shadow : shadows) {
        Boolean before = wasPaused.get(shadow.slice);
        if (before != null) {
          operations.restorePause(shadow.id, before, true);
        }
      }
    }
  }

  /** Every live row of the projection replaced by the shadow's; parents first, as the tables are listed. */
  private static long replaceLiveRows(Connection c, ReadModelProjection projection) throws SQLException {
    List<String> tables = projection.writtenTables();
    long rows = 0;
    try (Statement st = c.createStatement()) {
      // DELETE, not TRUNCATE: readers keep reading the old rows until this commits.
      for (String table : tables.reversed()) {
        st.executeUpdate("DELETE FROM read_model." + table);
      }
      for (String table : tables) {
        rows += st.executeUpdate("INSERT INTO read_model." + table + " SELECT * FROM " + SCHEMA + "." + table);
      }
    }
    return rows;
  }

  private static void createShadowTables(Connection c, ReadModelProjection projection) throws SQLException {
    dropShadowTables(c, projection);
    try (Statement st = c.createStatement()) {
      for (String table : projection.writtenTables()) {
        // Table names are constants of the projection's definition, checked by ReadModelProjection.
        st.execute("CREATE TABLE " + SCHEMA + "." + table + " (LIKE read_model." + table + " INCLUDING ALL)");
      }
    }
  }

  private static void dropShadowTables(Connection c, ReadModelProjection projection) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String table : projection.writtenTables()) {
        st.execute("DROP TABLE IF EXISTS " + SCHEMA + "." + table);
      }
    }
  }


  /** Events of the slice the live rows leave out: parked or discarded dead letters of the projection. */
  private static Set<String> deadLetters(Connection c, ReadModelProjection projection, int slice) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT persistence_id, seq_nr FROM readside_dead_letter WHERE projection_name = ? AND slice = ? AND status IN ('parked', 'discarded')")) {
      ps.setString(1, projection.name());
      ps.setInt(2, slice);
      Set<String> keys = new HashSet<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.add(key(rs.getString(1), rs.getLong(2)));
        }
      }
      return keys;
    }
  }

  private static String key(String persistenceId, long seqNr) {
    return persistenceId + "#" + seqNr;
  }

  private static String searchPath(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_setting('search_path')")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void setSearchPath(Connection c, String path) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT set_config('search_path', ?, true)")) {
      ps.setString(1, path);
      ps.execute();
    }
  }

  private void audit(ReadModelProjection projection, String action, Map<String, Object> arguments, String tokenId, String outcome)
      throws SQLException {
    operations.inTransaction(c -> {
      AdminAudit.record(c, action, projection.name(), arguments, null, null, tokenId, outcome);
      return null;
    });
  }
}
