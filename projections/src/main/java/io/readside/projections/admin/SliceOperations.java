package io.readside.projections.admin;

import io.readside.platform.BadRequest;
import io.readside.projections.ReadModelProjection;
import io.readside.projections.admin.OperationResult.SliceOutcome;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.stream.IntStream;

/**
 * How every operation on slices runs: on the slices asked for, holding their operation locks,
 * a few slices at a time, and audited whatever happens (done, partial, failed, or refused because
 * another operation holds one of its slices).
 */
record SliceOperations(Transactions tx, int sliceCount, Executor executor) {
  /**
   * Slices worked on at once by an "all slices" operation. The admin pool has 4 connections: one
   * holds the operation's locks, two serve slices, one stays free for status and probes.
   */
  static final int SLICE_PARALLELISM = 2;

  @FunctionalInterface
  interface SliceWork {
    SliceOutcome run(int slice) throws Exception;
  }

  /** The audit entry's arguments: the slice asked for ("all" when none), then the operation's own. */
  static Map<String, Object> arguments(Optional<Integer> slice) {
    return Map.of("slice", slice.map(Object::toString).orElse("all"));
  }

  /** The one slice asked for (400 when out of range), or every slice. */
  List<Integer> slices(Optional<Integer> slice) {
    if (slice.isPresent() && (slice.get() < 0 || slice.get() >= sliceCount)) {
      throw new BadRequest("invalid_parameter", "slice must be from 0 to " + (sliceCount - 1) + ", got " + slice.get());
    }
    return slice.map(List::of).orElseGet(() -> IntStream.range(0, sliceCount).boxed().toList());
  }

  /** Runs the work on each slice while holding their locks, and audits the result. */
  OperationResult run(
      ReadModelProjection projection, List<Integer> chosen, String action, boolean dryRun, Map<String, Object> arguments,
      String tokenId, SliceWork work) throws SQLException {
    OperationResult result;
    try (SliceLocks locks = SliceLocks.acquire(tx.pool, projection.name(), chosen, action)) {
      result = new OperationResult(projection.name(), action, dryRun, forEachSlice(chosen, work));
    } catch (Refused refused) {
      tx.run(c -> AdminAudit.record(c, action, projection.name(), arguments, null, null, tokenId, "refused: " + refused.code));
      throw refused;
    }
    audit(result, arguments, tokenId);
    return result;
  }

  /** One slice's operation lock, for operations that do not go through {@link #run}. */
  SliceLocks lockSlice(String projection, int slice, String action) throws SQLException {
    return SliceLocks.acquire(tx.pool, projection, List.of(slice), action);
  }

  /**
   * Slices at most {@link #SLICE_PARALLELISM} at a time (telling instances that are not running
   * waits for a timeout each, so some parallelism pays; more would starve the pool). A slice whose
   * work throws is reported as failed; the others go on.
   */
  private List<SliceOutcome> forEachSlice(List<Integer> sliceList, SliceWork work) {
    Semaphore permits = new Semaphore(SLICE_PARALLELISM);
    List<CompletableFuture<SliceOutcome>> futures = new ArrayList<>();
    for (int s : sliceList) {
      futures.add(CompletableFuture.supplyAsync(() -> runSlice(permits, s, work), executor));
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }

  private static SliceOutcome runSlice(Semaphore permits, int slice, SliceWork work) {
    try {
      permits.acquire();
      try {
        return work.run(slice);
      } finally {
        permits.release();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return SliceOutcome.failed(slice, "interrupted before it started; nothing changed");
    } catch (Exception e) {
      return SliceOutcome.failed(
          slice, "failed before its change: " + Transactions.describe(e) + "; check the slice's paused flag in GET /admin/projections");
    }
  }

  private void audit(OperationResult result, Map<String, Object> arguments, String tokenId) throws SQLException {
    Map<String, Long> before = new LinkedHashMap<>();
    Map<String, Long> after = new LinkedHashMap<>();
    for (SliceOutcome o : result.slices()) {
      before.put(Integer.toString(o.slice()), o.offsetBefore());
      after.put(Integer.toString(o.slice()), o.offsetAfter());
    }
    tx.run(c -> AdminAudit.record(c, result.action(), result.projection(), arguments, before, after, tokenId, result.outcome()));
  }
}
