package io.readside.ops;

import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.EmbeddedPostgresServer;
import java.nio.file.Path;

/**
 * A dedicated embedded PostgreSQL for outage tests: a fixed port and a data directory under
 * target/, so {@link #stop()} and {@link #start()} take the server away and bring it back on the
 * same address with its data kept, as a database restart does for the services using it.
 */
final class StoppablePostgres implements AutoCloseable {
  static final String DATABASE = "readside";

  private final Path dataDirectory;
  private final int port;
  private EmbeddedPostgresServer server;

  private StoppablePostgres(Path dataDirectory, int port) {
    this.dataDirectory = dataDirectory;
    this.port = port;
  }

  /** A fresh server with the migrated {@value #DATABASE} database. */
  static StoppablePostgres startFresh(Path dataDirectory) {
    StoppablePostgres postgres = new StoppablePostgres(dataDirectory, JarProcess.freePort());
    postgres.server = EmbeddedPostgresServer.start(dataDirectory, postgres.port, true);
    postgres.server.ensureDatabase(DATABASE);
    Migrations.migrate(postgres.settings());
    return postgres;
  }

  DatabaseSettings settings() {
    return new DatabaseSettings("jdbc:postgresql://localhost:" + port + "/" + DATABASE, EmbeddedPostgresServer.SUPERUSER, "");
  }

  /** Stops the server (pg_ctl stop -m fast: open connections are cut). */
  synchronized void stop() {
    server.close();
    server = null;
  }

  /** Starts it again on the same port and data; returns once it accepts connections. */
  synchronized void start() {
    server = EmbeddedPostgresServer.start(dataDirectory, port, false);
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      stop();
    }
  }
}
