package io.readside.ops;

import io.readside.platform.ReadsideConfig;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import java.util.concurrent.Callable;
import org.flywaydb.core.api.output.MigrateResult;
import picocli.CommandLine.Command;

@Command(name = "migrate", description = "Applies pending Flyway migrations to DATABASE_URL and exits.")
final class MigrateCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    DatabaseSettings db = DatabaseSettings.fromConfig(ReadsideConfig.load());
    MigrateResult result = Migrations.migrate(db);
    System.out.printf(
        "migrated %s: %d migration(s) applied, schema now at version %s%n",
        db.url(), result.migrationsExecuted, result.targetSchemaVersion == null ? "(unchanged)" : result.targetSchemaVersion);
    return 0;
  }
}
