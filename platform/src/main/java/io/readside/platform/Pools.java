package io.readside.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;

/** One HikariCP pool per purpose (journal, projections, read API), each sized in config. */
public final class Pools {
  private Pools() {}

  public static HikariDataSource create(String name, DatabaseSettings db, int maximumPoolSize) {
    return create(name, db, maximumPoolSize, null);
  }

  /** The same, reporting hikaricp_* metrics (tagged pool=name) to the registry. */
  public static HikariDataSource create(String name, DatabaseSettings db, int maximumPoolSize, MeterRegistry metrics) {
    HikariConfig config = new HikariConfig();
    if (metrics != null) {
      config.setMetricRegistry(metrics);
    }
    config.setPoolName(name);
    config.setJdbcUrl(db.url());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(maximumPoolSize);
    config.setMinimumIdle(Math.min(2, maximumPoolSize));
    // Fail fast with a clear message when the database is unreachable at start.
    config.setInitializationFailTimeout(30_000);
    config.setConnectionTimeout(10_000);
    return new HikariDataSource(config);
  }
}
