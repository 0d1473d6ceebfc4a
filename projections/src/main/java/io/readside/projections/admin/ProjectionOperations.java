package io.readside.projections.admin;

import io.readside.events.CartTags;
import io.readside.projections.DeadLetters;
import io.readside.projections.ReadModelProjection;
import io.readside.projections.SliceFence;
import io.readside.projections.Worker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.javadsl.ProjectionManagement;

/**
 * Pause, resume, rebuild and rewind, per slice, whether the instance runs, is paused or is
 * stopped. The database is the source of truth (paused flag, offsets); a running instance is told
 * through ProjectionManagement. Before an offset moves, the running instance is paused, so it
 * cannot commit an offset it still holds in memory; the slice's rows and its offset then change
 * in one transaction, and the instance is resumed if it was running before.
 */
final class ProjectionOperations {
  private static final Duration TELL_TIMEOUT = Duration.ofSeconds(8);

  /** What an operation did to one slice. */
  enum Outcome {
    /** Carried out. */
    DONE,
    /** Only counted (a dry run). */
    DRY_RUN,
    /** Not attempted, nothing changed (e.g. the running instance did not confirm its pause). */
    UNCHANGED,
    /** Attempted and failed; the note says what the slice was left as. */
    FAILED;

    @com.fasterxml.jackson.annotation.JsonValue
    String json() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  record SliceOutcome(
      int slice, Long offsetBefore, Long offsetAfter, long eventsToReplay, boolean instanceAcknowledged, Outcome outcome, String note) {
    SliceOutcome acknowledged(boolean ack) {
      return new SliceOutcome(slice, offsetBefore, offsetAfter, eventsToReplay, ack, outcome, note);
    }

    static SliceOutcome failed(int slice, String note) {
      return new SliceOutcome(slice, null, null, 0, false, Outcome.FAILED, note);
    }
  }

  /** outcome: done, dry-run, unchanged, failed, or partial when the slices differ. */
  record Result(String projection, String action, boolean dryRun, String outcome, List<SliceOutcome> slices) {
    Result(String projection, String action, boolean dryRun, List<SliceOutcome> slices) {
      this(projection, action, dryRun, overall(slices), slices);
    }

    private static String overall(List<SliceOutcome> slices) {
      List<Outcome> distinct = slices.stream().map(SliceOutcome::outcome).distinct().toList();
      return distinct.size() == 1 ? distinct.get(0).json() : "partial";
    }
  }

  /**
   * Slices worked on at once by an "all slices" operation. The admin pool has 4 connections: one
   * holds the operation's locks, two serve slices, one stays free for status and probes.
   */
  static final int SLICE_PARALLELISM = 2;

  /** Where a rewind goes: an offset, or the last event written before a time. */
  sealed interface RewindTarget {
    record ToOffset(long offset) implements RewindTarget {}

    record ToTimestamp(Instant timestamp) implements RewindTarget {}
  }

  /** An operation that cannot be done for this projection (e.g. rewind of a non-replay-safe one). */
  static final class Refused extends RuntimeException {
    final String code;

    Refused(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  private final Worker.Source source;
  private final ActorSystem<?> system;
  private final DataSource pool;
  private final int slices;
  private final Executor executor;

  ProjectionOperations(ActorSystem<?> system, DataSource pool, int slices, Executor executor) {
    this.source = Worker.Source.fromConfig(system.settings().config());
    this.system = system;
    this.pool = pool;
    this.slices = slices;
    this.executor = executor;
  }

  Worker.Source source() {
    return source;
  }

  List<Integer> slices(Optional<Integer> slice) {
    if (slice.isPresent() && (slice.get() < 0 || slice.get() >= slices)) {
      throw new io.readside.platform.BadRequest("invalid_parameter", "slice must be from 0 to " + (slices - 1) + ", got " + slice.get());
    }
    return slice.map(List::of).orElseGet(() -> IntStream.range(0, slices).boxed().toList());
  }

  Result pause(ReadModelProjection projection, Optional<Integer> slice, String tokenId) throws Exception {
    return setPaused(projection, slice, tokenId, true);
  }

  Result resume(ReadModelProjection projection, Optional<Integer> slice, String tokenId) throws Exception {
    return setPaused(projection, slice, tokenId, false);
  }

  private Result setPaused(ReadModelProjection projection, Optional<Integer> slice, String tokenId, boolean paused) throws Exception {
    String action = paused ? "pause" : "resume";
    List<Integer> chosen = slices(slice);
    Map<String, Object> arguments = Map.of("slice", slice.map(Object::toString).orElse("all"));
    return locked(projection, chosen, action, arguments, tokenId, () -> {
      List<SliceOutcome> outcomes =
          forEachSlice(
              chosen,
              s -> {
                ProjectionId id = Worker.projectionId(projection, s);
                inTransaction(c -> {
                  OffsetStore.setPaused(c, id, paused);
                  return null;
                });
                boolean acknowledged = tell(id, pm -> paused ? pm.pause(id) : pm.resume(id));
                Long offset = inTransaction(c -> OffsetStore.offset(c, id).orElse(null));
                return new SliceOutcome(s, offset, offset, 0, acknowledged, Outcome.DONE,
                    acknowledged ? null : "no running instance answered; it starts " + (paused ? "paused" : "running") + " when it starts");
              });
      return new Result(projection.name(), action, false, outcomes);
    });
  }

  /**
   * For each slice: delete its rows, its parked dead letters and its offset in one transaction,
   * then replay from the start (events that still fail are parked again).
   */
  Result rebuild(ReadModelProjection projection, Optional<Integer> slice, String tokenId) throws Exception {
    List<Integer> chosen = slices(slice);
    Map<String, Object> arguments = Map.of("slice", slice.map(Object::toString).orElse("all"));
    return locked(projection, chosen, "rebuild", arguments, tokenId, () -> {
      List<SliceOutcome> outcomes =
          forEachSlice(
              chosen,
              s ->
                  whilePaused(
                      projection,
                      s,
                      (c, id) -> {
                        Long before = OffsetStore.offset(c, id).orElse(null);
                        String tag = CartTags.tagForSlice(s);
                        // Keep the proof of skipped events before the rows that prove them go;
                        // the replay then includes them, for this projection.
                        CompletenessAudit.record(c, s);
                        int deleted = projection.deleteSlice(c, s);
                        CompletenessAudit.markRepaired(c, projection.name(), s);
                        int parked = DeadLetters.deleteParked(c, projection.name(), s);
                        OffsetStore.clearOffset(c, id);
                        SliceFence.advance(c, id, "rebuild by " + tokenId);
                        long head = OffsetStore.head(c, tag);
                        long toReplay = OffsetStore.eventsBetween(c, tag, 0, head);
                        markRebuild(c, id, head, toReplay);
                        return new SliceOutcome(s, before, null, toReplay, false, Outcome.DONE,
                            "deleted " + deleted + " rows" + (parked > 0 ? " and " + parked + " parked dead letters (replayed again)" : ""));
                      }));
      return new Result(projection.name(), "rebuild", false, outcomes);
    });
  }

  Result rewind(ReadModelProjection projection, RewindTarget target, boolean dryRun, Optional<Integer> slice, String tokenId)
      throws Exception {
    if (!projection.replaySafe()) {
      throw new Refused(
          "not_replay_safe",
          projection.name() + " adds up what it sees, so replaying events would count them twice; rewind is refused."
              + " Rebuild it instead: POST /admin/projections/" + projection.name() + "/rebuild");
    }
    List<Integer> chosen = slices(slice);
    Map<String, Object> arguments = new LinkedHashMap<>();
    switch (target) {
      case RewindTarget.ToOffset o -> arguments.put("toOffset", o.offset());
      case RewindTarget.ToTimestamp t -> arguments.put("toTimestamp", t.timestamp().toString());
    }
    arguments.put("dryRun", dryRun);
    arguments.put("slice", slice.map(Object::toString).orElse("all"));
    return locked(projection, chosen, "rewind", arguments, tokenId, () -> {
      List<SliceOutcome> outcomes =
          forEachSlice(
              chosen,
              s -> {
                ProjectionId id = Worker.projectionId(projection, s);
                SliceOutcome planned = inTransaction(c -> planRewind(c, id, s, target, dryRun).outcome());
                if (dryRun || planned.eventsToReplay() == 0) {
                  return planned;
                }
                return whilePaused(
                    projection,
                    s,
                    (c, pid) -> {
                      // Plan again inside the transaction: the offset may have moved since.
                      RewindPlan now = planRewind(c, pid, s, target, false);
                      SliceFence.advance(c, pid, "rewind by " + tokenId);
                      if (now.to().equals(now.to().start())) {
                        OffsetStore.clearOffset(c, pid);
                      } else {
                        OffsetStore.setPosition(c, pid, now.to());
                      }
                      return now.outcome();
                    });
              });
      return new Result(projection.name(), "rewind", dryRun, outcomes);
    });
  }

  /** Where a slice's offset goes, and what the operation reports. */
  private record RewindPlan(SlicePosition to, SliceOutcome outcome) {}

  /**
   * With journal-ordering offsets the slice goes back to the target ordering; with horizon offsets
   * to just before the first row above it in (tx_id, ordering) order. Never forward.
   */
  private RewindPlan planRewind(Connection c, ProjectionId id, int slice, RewindTarget target, boolean dryRun)
      throws SQLException {
    String tag = CartTags.tagForSlice(slice);
    SlicePosition current = OffsetStore.position(c, id).orElse(SlicePosition.start(source));
    long wanted =
        switch (target) {
          case RewindTarget.ToOffset o -> o.offset();
          case RewindTarget.ToTimestamp t -> OffsetStore.offsetBefore(c, tag, t.timestamp().toEpochMilli());
        };
    SlicePosition to =
        switch (current) {
          case SlicePosition.Ordering o -> new SlicePosition.Ordering(Math.min(wanted, o.ordering()));
          case SlicePosition.Horizon h -> OffsetStore.horizonBefore(c, tag, wanted)
              .filter(p -> ((SlicePosition.Horizon) p).offset().compareTo(h.offset()) < 0)
              .orElse(current);
        };
    long replay = to.equals(current) ? 0 : SliceJournal.count(c, slice, to, current);
    String note = replay == 0 ? "nothing to replay"
        : current instanceof SlicePosition.Horizon ? "horizon offset " + current.text() + " -> " + to.text() : null;
    return new RewindPlan(to, new SliceOutcome(
        slice, ordering(current), ordering(to), replay, false, dryRun ? Outcome.DRY_RUN : Outcome.DONE, note));
  }

  private static long ordering(SlicePosition position) {
    return switch (position) {
      case SlicePosition.Ordering o -> o.ordering();
      case SlicePosition.Horizon h -> h.offset().ordering();
    };
  }

  /** Offset changes on one slice, with its instance paused around them, resumed after if it ran. */
  @FunctionalInterface
  private interface SliceChange {
    SliceOutcome apply(Connection c, ProjectionId id) throws SQLException;
  }

  /**
   * The change runs in one transaction, so when it fails nothing of it is left; the pause around
   * it is undone too (resumed if the instance ran before), and the note says so, or says exactly
   * what could not be undone.
   */
  private SliceOutcome whilePaused(ReadModelProjection projection, int slice, SliceChange change) throws Exception {
    ProjectionId id = Worker.projectionId(projection, slice);
    boolean wasPaused = inTransaction(c -> OffsetStore.isPaused(c, id));
    Optional<String> runningOn = inTransaction(c -> runningNode(c, id));
    // Persist the pause first: an instance that starts meanwhile starts paused.
    inTransaction(c -> {
      OffsetStore.setPaused(c, id, true);
      return null;
    });
    boolean acknowledged = tell(id, pm -> pm.pause(id));
    if (!acknowledged && runningOn.isPresent()) {
      String restore = restorePause(id, wasPaused, false);
      return new SliceOutcome(slice, null, null, 0, false, Outcome.UNCHANGED,
          "the instance on " + runningOn.get() + " did not confirm the pause; nothing changed, try again" + restore);
    }
    SliceOutcome outcome;
    try {
      outcome = inTransaction(c -> change.apply(c, id));
    } catch (Exception e) {
      String restore = restorePause(id, wasPaused, true);
      return SliceOutcome.failed(slice, "failed and rolled back, the slice's rows and offset are as they were: " + describe(e) + restore);
    }
    String restore = restorePause(id, wasPaused, true);
    return new SliceOutcome(outcome.slice(), outcome.offsetBefore(), outcome.offsetAfter(), outcome.eventsToReplay(), acknowledged,
        outcome.outcome(), restore.isEmpty() ? outcome.note() : (outcome.note() == null ? "" : outcome.note()) + restore);
  }

  /**
   * Pauses a slice's instance for an operation that changes it: persisted first (an instance that
   * starts meanwhile starts paused), then told. Whether it was paused before, to restore after;
   * when a running instance does not confirm, its pause is undone and this throws.
   */
  boolean pauseForOperation(ProjectionId id) throws SQLException {
    boolean wasPaused = inTransaction(c -> OffsetStore.isPaused(c, id));
    Optional<String> runningOn = inTransaction(c -> runningNode(c, id));
    inTransaction(c -> {
      OffsetStore.setPaused(c, id, true);
      return null;
    });
    if (!tell(id, pm -> pm.pause(id)) && runningOn.isPresent()) {
      String restore = restorePause(id, wasPaused, false);
      throw new IllegalStateException("the instance of " + id + " on " + runningOn.get() + " did not confirm the pause" + restore);
    }
    return wasPaused;
  }

  /** Puts the paused flag back as it was; an empty string when that worked, else what was left. */
  String restorePause(ProjectionId id, boolean wasPaused, boolean tellResume) {
    if (wasPaused) {
      return "";
    }
    try {
      inTransaction(c -> {
        OffsetStore.setPaused(c, id, false);
        return null;
      });
    } catch (Exception e) {
      return "; the slice is LEFT PAUSED (resuming failed: " + describe(e) + "): POST /admin/projections/" + id.name()
          + "/resume?slice=" + CartTags.sliceOfTag(id.key());
    }
    if (tellResume) {
      // A paused instance re-reads its offset from the store when resumed.
      tell(id, pm -> pm.resume(id));
    }
    return "";
  }

  static String describe(Throwable e) {
    Throwable cause = e instanceof IllegalStateException && e.getCause() != null ? e.getCause() : e;
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  private static Optional<String> runningNode(Connection c, ProjectionId id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            SELECT node FROM readside_projection_slice
             WHERE projection_name = ? AND projection_key = ? AND heartbeat_at > now() - make_interval(secs => ?)
            """)) {
      ps.setString(1, id.name());
      ps.setString(2, id.key());
      ps.setLong(3, ProjectionStatusQuery.STALE_AFTER.toSeconds());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    }
  }

  private static void markRebuild(Connection c, ProjectionId id, long target, long events) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO readside_projection_slice (projection_name, projection_key, rebuild_started_at, rebuild_target, rebuild_events)
            VALUES (?, ?, now(), ?, ?)
            ON CONFLICT (projection_name, projection_key) DO UPDATE SET
                   rebuild_started_at = now(), rebuild_target = EXCLUDED.rebuild_target, rebuild_events = EXCLUDED.rebuild_events
            """)) {
      ps.setString(1, id.name());
      ps.setString(2, id.key());
      ps.setLong(3, target);
      ps.setLong(4, events);
      ps.executeUpdate();
    }
  }

  /** True when a running instance acknowledged; false when none answered in time. */
  private boolean tell(ProjectionId id, Function<ProjectionManagement, CompletionStage<Done>> operation) {
    try {
      operation.apply(ProjectionManagement.get(system)).toCompletableFuture().get(TELL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @FunctionalInterface
  interface SliceWork {
    SliceOutcome run(int slice) throws Exception;
  }

  /**
   * Slices at most {@link #SLICE_PARALLELISM} at a time (telling instances that are not running
   * waits for a timeout each, so some parallelism pays; more would starve the pool). A slice whose
   * work throws is reported as failed; the others go on.
   */
  private List<SliceOutcome> forEachSlice(List<Integer> sliceList, SliceWork work) {
    java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(SLICE_PARALLELISM);
    List<CompletableFuture<SliceOutcome>> futures = new ArrayList<>();
    for (int s : sliceList) {
      futures.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  permits.acquire();
                  try {
                    return work.run(s);
                  } finally {
                    permits.release();
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return SliceOutcome.failed(s, "interrupted before it started; nothing changed");
                } catch (Exception e) {
                  return SliceOutcome.failed(s, "failed before its change: " + describe(e) + "; check the slice's paused flag in GET /admin/projections");
                }
              },
              executor));
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }

  /** One slice's operation lock, for operations that do not go through {@link #locked}. */
  SliceLocks lockSlice(String projection, int slice, String action) throws SQLException {
    return SliceLocks.acquire(pool, projection, List.of(slice), action);
  }

  @FunctionalInterface
  private interface Operation {
    Result run() throws Exception;
  }

  /**
   * Runs an operation holding its slices' locks, and audits it whatever happens: done, partial,
   * failed, or refused because another operation holds one of its slices.
   */
  private Result locked(
      ReadModelProjection projection, List<Integer> slices, String action, Map<String, Object> arguments, String tokenId, Operation operation)
      throws Exception {
    Result result;
    try (SliceLocks locks = SliceLocks.acquire(pool, projection.name(), slices, action)) {
      result = operation.run();
    } catch (Refused refused) {
      inTransaction(c -> {
        AdminAudit.record(c, action, projection.name(), arguments, null, null, tokenId, "refused: " + refused.code);
        return null;
      });
      throw refused;
    }
    audit(result, arguments, tokenId);
    return result;
  }

  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  <T> T inTransaction(SqlWork<T> work) throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private void audit(Result result, Map<String, Object> arguments, String tokenId) throws SQLException {
    Map<String, Long> before = new LinkedHashMap<>();
    Map<String, Long> after = new LinkedHashMap<>();
    for (SliceOutcome o : result.slices()) {
      before.put(Integer.toString(o.slice()), o.offsetBefore());
      after.put(Integer.toString(o.slice()), o.offsetAfter());
    }
    inTransaction(c -> {
      AdminAudit.record(c, result.action(), result.projection(), arguments, before, after, tokenId, result.outcome());
      return null;
    });
  }
}
