package io.readside.platform;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;

/** Points a node's Pekko config at its database: the journal's Slick pool and readside.database. */
public final class PekkoConfig {
  private static final String SLICK_DB = "pekko-persistence-jdbc.shared-databases.slick.db.";

  private PekkoConfig() {}

  public static Config withDatabase(Config base, DatabaseSettings db) {
    // prepareThreshold=0: the eventsByTag query must never get a cached generic plan (PEKKO-NOTES.md).
    DatabaseSettings journal = db.withUrlParameter("prepareThreshold", "0");
    return ConfigFactory.parseMap(
            Map.of(
                SLICK_DB + "url", journal.url(),
                SLICK_DB + "user", journal.user(),
                SLICK_DB + "password", journal.password(),
                "readside.database.url", db.url(),
                "readside.database.user", db.user(),
                "readside.database.password", db.password()))
        .withFallback(base);
  }
}
