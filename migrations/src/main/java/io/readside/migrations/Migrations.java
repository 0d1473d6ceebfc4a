package io.readside.migrations;

import io.readside.platform.DatabaseSettings;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Brings a database to the current schema. Flyway owns every table; no service creates one. */
public final class Migrations {
  private Migrations() {}

  public static MigrateResult migrate(DatabaseSettings db) {
    return Flyway.configure()
        .dataSource(db.url(), db.user(), db.password())
        .locations("classpath:db/migration")
        .failOnMissingLocations(true)
        .load()
        .migrate();
  }
}
