package io.readside.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The node's pool for health checks: two connections, opened once. Probes then open no database
 * connection, and they neither wait behind nor take from the pools that serve requests and
 * projections (a probe that waits for a busy work pool would report a healthy node not ready).
 */
public final class HealthPool implements Extension {
  private static final ExtensionId<HealthPool> ID =
      new ExtensionId<>() {
        @Override
        public HealthPool createExtension(ActorSystem<?> system) {
          return new HealthPool(system);
        }
      };

  /** Connections a node's health pool may open (counted in its ConnectionBudget). */
  public static final int MAXIMUM_SIZE = 2;

  private final HikariDataSource pool;

  private HealthPool(ActorSystem<?> system) {
    DatabaseSettings db = DatabaseSettings.fromConfig(system.settings().config());
    HikariConfig config = new HikariConfig();
    config.setPoolName("health");
    config.setMetricRegistry(NodeMetrics.get(system).registry());
    config.setJdbcUrl(db.url());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(MAXIMUM_SIZE);
    config.setMinimumIdle(1);
    // Unlike the work pools (Pools), it starts without the database, so a probe can say it is
    // down; and a probe gives up on a connection well within pekko-management's 3 s check timeout.
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(2_000);
    config.setValidationTimeout(1_000);
    config.addDataSourceProperty("socketTimeout", "5");
    this.pool = new HikariDataSource(config);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-health-pool", () -> {
      pool.close();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }

  public static HealthPool get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  public DataSource pool() {
    return pool;
  }
}
