package io.readside.platform;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.Map;

/** Points a node's Pekko config at its database: the journal's Slick pool and readside.database. */
public final class PekkoConfig {
  private static final String SLICK_DB = "pekko-persistence-jdbc.shared-databases.slick.db.";

  private PekkoConfig() {}

  public static Config withDatabase(Config base, DatabaseSettings db) {
    // prepareThreshold=0: the eventsByTag query must never get a cached generic plan (PEKKO-NOTES.md).
    DatabaseSettings journal = db.withUrlParameter("prepareThreshold", "0");
    // The journal's pool (Slick over HikariCP) gets readside.pools.journal's timeouts; without them
    // Slick's HikariCP waits 180 s for a connection, and a write the caller gave up on long ago
    // may still commit when PostgreSQL returns.
    Pools.Timeouts timeouts = Pools.Timeouts.fromConfig(base.withFallback(ConfigFactory.defaultReference()), "journal");
    Map<String, Object> settings = new HashMap<>();
    settings.put(SLICK_DB + "url", journal.url());
    settings.put(SLICK_DB + "user", journal.user());
    settings.put(SLICK_DB + "password", journal.password());
    settings.put(SLICK_DB + "connectionTimeout", timeouts.connection().toMillis());
    settings.put(SLICK_DB + "validationTimeout", timeouts.validation().toMillis());
    timeouts.driverProperties().forEach((k, v) -> settings.put(SLICK_DB + "properties." + k, v));
    settings.put(SLICK_DB + "properties.ApplicationName", "readside-journal");
    settings.put("readside.database.url", db.url());
    settings.put("readside.database.user", db.user());
    settings.put("readside.database.password", db.password());
    return ConfigFactory.parseMap(settings).withFallback(base);
  }
}
