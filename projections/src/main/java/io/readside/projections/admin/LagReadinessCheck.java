package io.readside.projections.admin;

import io.readside.platform.DatabaseSettings;
import io.readside.projections.Projections;
import io.readside.projections.ReadModelProjection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/**
 * Readiness of a worker: no projection slice is further behind than readside.worker.ready-max-lag
 * (age of its oldest unapplied event). Instantiated by pekko-management from config.
 */
public final class LagReadinessCheck implements Supplier<CompletionStage<Boolean>> {
  private final DatabaseSettings db;
  private final Duration maxLag;
  private final int slices;
  private final Executor blocking;
  private final List<String> names = Projections.all().stream().map(ReadModelProjection::name).toList();

  public LagReadinessCheck(ActorSystem system) {
    this.db = DatabaseSettings.fromConfig(system.settings().config());
    this.maxLag = system.settings().config().getDuration("readside.worker.ready-max-lag");
    this.slices = system.settings().config().getInt("readside.slices");
    this.blocking = system.dispatchers().lookup("pekko.actor.default-blocking-io-dispatcher");
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            double worst = ProjectionStatusQuery.all(c, names, slices).stream()
                .mapToDouble(ProjectionStatusQuery.SliceStatus::lagSeconds).max().orElse(0);
            return worst <= maxLag.toMillis() / 1000.0;
          } catch (Exception e) {
            return false;
          }
        },
        blocking);
  }
}
