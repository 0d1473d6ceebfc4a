package io.readside.platform;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;

/** One HikariCP pool per purpose (journal, projections, read API, admin), each sized and timed in config. */
public final class Pools {
  private Pools() {}

  /**
   * How long a pool's users wait, so that a request fails (503) while PostgreSQL is down or stuck
   * instead of hanging: {@code connection} for a pooled connection (HikariCP connectionTimeout;
   * also pgjdbc's connectTimeout), {@code socket} for a read on a silent connection (pgjdbc
   * socketTimeout: a dead host or network, which no statement timeout notices), {@code statement}
   * for one statement (PostgreSQL statement_timeout, set on every connection). Zero turns socket
   * and statement timeouts off. Settings the JDBC URL itself carries win over these.
   */
  public record Timeouts(Duration connection, Duration socket, Duration statement) {
    public Timeouts {
      if (connection.toMillis() < 250) {
        throw new IllegalArgumentException("a pool's connection-timeout must be at least 250 ms, got " + connection);
      }
      if (!socket.isZero() && !statement.isZero() && socket.compareTo(statement) <= 0) {
        throw new IllegalArgumentException(
            "a pool's socket-timeout (" + socket + ") must exceed its statement-timeout (" + statement + ")");
      }
    }

    /** {@code readside.pools.<pool>}, each key falling back to {@code readside.pools.defaults}. */
    public static Timeouts fromConfig(Config config, String pool) {
      Config defaults = config.getConfig("readside.pools.defaults");
      Config c = config.hasPath("readside.pools." + pool)
          ? config.getConfig("readside.pools." + pool).withFallback(defaults)
          : defaults;
      return new Timeouts(
          c.getDuration("connection-timeout"), c.getDuration("socket-timeout"), c.getDuration("statement-timeout"));
    }

    /** HikariCP's check of a connection before handing it out: well within the connection timeout. */
    public Duration validation() {
      return Duration.ofMillis(Math.max(250, Math.min(1_000, connection.toMillis() / 2)));
    }

    /** The pgjdbc connection properties that carry these timeouts. */
    public Map<String, String> driverProperties() {
      return Map.of(
          "connectTimeout", String.valueOf(ceilSeconds(connection)),
          "socketTimeout", String.valueOf(ceilSeconds(socket)),
          "options", "-c statement_timeout=" + statement.toMillis());
    }

    private static long ceilSeconds(Duration d) {
      return (d.toMillis() + 999) / 1000;
    }
  }

  /** A pool with the default timeouts (tests). */
  public static HikariDataSource create(String name, DatabaseSettings db, int maximumPoolSize) {
    return create(name, db, maximumPoolSize, new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(30)), null);
  }

  /** The same, reporting hikaricp_* metrics (tagged pool=name) to the registry when there is one. */
  public static HikariDataSource create(
      String name, DatabaseSettings db, int maximumPoolSize, Timeouts timeouts, MeterRegistry metrics) {
    HikariConfig config = new HikariConfig();
    if (metrics != null) {
      config.setMetricRegistry(metrics);
    }
    config.setPoolName(name);
    // pg_stat_activity names whose connection it is (journal, projections, read API, admin).
    config.addDataSourceProperty("ApplicationName", "readside-" + name);
    config.setJdbcUrl(db.url());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(maximumPoolSize);
    config.setMinimumIdle(Math.min(2, maximumPoolSize));
    // Fail fast with a clear message when the database is unreachable at start.
    config.setInitializationFailTimeout(30_000);
    config.setConnectionTimeout(timeouts.connection().toMillis());
    config.setValidationTimeout(timeouts.validation().toMillis());
    timeouts.driverProperties().forEach(config::addDataSourceProperty);
    // The projections' repositories name their tables unqualified, so `readside verify` can point
    // them at temporary copies (SET LOCAL search_path); everywhere else they are read_model's.
    config.addDataSourceProperty("currentSchema", "read_model,public");
    // A batch of INSERTs (the projections' upserts of a group) goes as multi-row INSERTs of up to
    // 128 rows: one statement for PostgreSQL to plan and run instead of one per row (issue 13's
    // catch-up). Every batch's keys are distinct (the repositories fold a group per key first), as
    // ON CONFLICT DO UPDATE needs within one statement; nothing reads a batch's per-row counts.
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    return new HikariDataSource(config);
  }
}
