package io.readside.projections.admin;

import io.readside.platform.HealthPool;
import io.readside.projections.Projections;
import io.readside.projections.ReadModelProjection;
import io.readside.projections.admin.ProjectionStatusQuery.SliceLag;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The node's one lag status of every projection and slice ({@link ProjectionStatusQuery#lags}),
 * shared by the readiness check and the lag gauges. Read on demand, at most once per
 * readside.worker.lag-status-max-age, on the node's {@link HealthPool}: any number of probes cost
 * one query every few seconds and no new connection.
 */
final class SliceLagCache implements Extension {
  private static final ExtensionId<SliceLagCache> ID =
      new ExtensionId<>() {
        @Override
        public SliceLagCache createExtension(ActorSystem<?> system) {
          return new SliceLagCache(system);
        }
      };

  private record Read<T>(long startedNanos, CompletableFuture<T> result) {}

  @FunctionalInterface
  private interface Query<T> {
    T run(Connection c) throws Exception;
  }

  private final DataSource pool;
  private final Executor blocking;
  private final List<String> projections = Projections.all().stream().map(ReadModelProjection::name).toList();
  private final int slices;
  private final long maxAgeNanos;
  private final AtomicReference<Read<List<SliceLag>>> latest = new AtomicReference<>();
  private final AtomicReference<Read<HorizonHold>> latestHold = new AtomicReference<>();

  private SliceLagCache(ActorSystem<?> system) {
    this.pool = HealthPool.get(system).pool();
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    this.slices = system.settings().config().getInt("readside.slices");
    this.maxAgeNanos = system.settings().config().getDuration("readside.worker.lag-status-max-age").toNanos();
  }

  static SliceLagCache get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** The latest status if it was read (or is being read) within the max age; else a new read. */
  CompletionStage<List<SliceLag>> current() {
    return cached(latest, c -> ProjectionStatusQuery.lags(c, projections, slices));
  }

  /** What holds the horizon back, read as often as the lags. */
  CompletionStage<HorizonHold> horizonHold() {
    return cached(latestHold, HorizonHold::read);
  }

  private <T> CompletionStage<T> cached(AtomicReference<Read<T>> ref, Query<T> query) {
    while (true) {
      Read<T> last = ref.get();
      long now = System.nanoTime();
      if (last != null && (!last.result().isDone() || now - last.startedNanos() < maxAgeNanos)) {
        return last.result();
      }
      Read<T> next = new Read<>(now, new CompletableFuture<>());
      if (ref.compareAndSet(last, next)) {
        blocking.execute(() -> {
          try (Connection c = pool.getConnection()) {
            next.result().complete(query.run(c));
          } catch (Exception e) {
            next.result().completeExceptionally(e);
          }
        });
        return next.result();
      }
    }
  }
}
