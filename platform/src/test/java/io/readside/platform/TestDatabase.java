package io.readside.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL for integration tests, and a fresh database on it for each test class.
 * READSIDE_TEST_DATABASE_URL (a superuser URL) when set; else Testcontainers when a Docker engine
 * answers; else an embedded PostgreSQL 17 from a Maven artifact. Never H2, never a mock.
 */
public final class TestDatabase {
  private static final AtomicInteger counter = new AtomicInteger();
  private static DatabaseSettings server;

  private TestDatabase() {}

  /** Creates an empty database named after the test class and returns superuser settings for it. */
  public static DatabaseSettings freshDatabase(Class<?> testClass) {
    DatabaseSettings admin = server();
    String name =
        ("t_" + testClass.getSimpleName() + "_" + ProcessHandle.current().pid() + "_" + counter.incrementAndGet())
            .toLowerCase(Locale.ROOT);
    try (Connection c = DriverManager.getConnection(admin.url(), admin.user(), admin.password());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create test database " + name, e);
    }
    return admin.withDatabase(name);
  }

  private static synchronized DatabaseSettings server() {
    if (server == null) {
      server = startServer();
    }
    return server;
  }

  private static DatabaseSettings startServer() {
    String url = System.getenv("READSIDE_TEST_DATABASE_URL");
    if (url != null && !url.isBlank()) {
      return new DatabaseSettings(
          url,
          envOr("READSIDE_TEST_DATABASE_USER", "postgres"),
          envOr("READSIDE_TEST_DATABASE_PASSWORD", ""));
    }
    if (dockerAnswers()) {
      PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
      return new DatabaseSettings(container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }
    try {
      Path dir = Files.createTempDirectory("readside-test-pg");
      EmbeddedPostgresServer embedded = EmbeddedPostgresServer.start(dir, 0, true);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    embedded.close();
                    try {
                      EmbeddedPostgresServer.deleteRecursively(dir);
                    } catch (java.io.IOException ignored) {
                      // a temp folder left behind is not worth failing a test run for
                    }
                  }));
      return embedded.settings("postgres");
    } catch (java.io.IOException e) {
      throw new IllegalStateException("could not start embedded PostgreSQL", e);
    }
  }

  private static boolean dockerAnswers() {
    // Ask Testcontainers only where an engine could be, so Docker-less machines skip its error log.
    if (System.getenv("DOCKER_HOST") == null && !Files.exists(Path.of("/var/run/docker.sock"))) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null ? fallback : value;
  }
}
