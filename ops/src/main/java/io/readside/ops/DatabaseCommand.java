package io.readside.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.typesafe.config.Config;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.Json;
import io.readside.platform.ReadsideConfig;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A sub-command that works straight against DATABASE_URL, with no node running (audit, verify,
 * migrate-offsets): its configuration, plain JDBC connections (no pool for a one-shot command),
 * and its output.
 */
abstract class DatabaseCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  private Config config;

  Config config() {
    if (config == null) {
      config = ReadsideConfig.load();
    }
    return config;
  }

  Connection connect() throws SQLException {
    DatabaseSettings db = DatabaseSettings.fromConfig(config());
    return DriverManager.getConnection(db.url(), db.user(), db.password());
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  void printJson(Object report) throws JsonProcessingException {
    out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
  }
}
