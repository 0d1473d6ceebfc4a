package io.readside.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** One HikariCP pool per purpose (journal, projections, read API), each sized in config. */
public final class Pools {
  private Pools() {}

  public static HikariDataSource create(String name, DatabaseSettings db, int maximumPoolSize) {
    HikariConfig config = new HikariConfig();
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
