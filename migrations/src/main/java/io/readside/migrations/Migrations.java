package io.readside.migrations;

import io.readside.platform.DatabaseSettings;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Brings a database to the current schema. Flyway owns every table; no service creates one. */
public final class Migrations {
  private Migrations() {}

  /** {@code moreLocations}: a test's own migrations on top of ours (the README's worked projection). */
  public static MigrateResult migrate(DatabaseSettings db, String... moreLocations) {
    String[] locations = new String[moreLocations.length + 1];
    locations[0] = "classpath:db/migration";
    System.arraycopy(moreLocations, 0, locations, 1, moreLocations.length);
    return Flyway.configure()
        .dataSource(db.url(), db.user(), db.password())
        .locations(locations)
        .failOnMissingLocations(true)
        .load()
        .migrate();
  }
}
