package io.readside.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node from the production jar logs the connections its pools may open, and refuses to start,
 * with exit code 1 and what to change, when the server cannot fit them.
 */
class ConnectionBudgetIT {
  private static final DatabaseSettings DB = TestDatabase.freshDatabase(ConnectionBudgetIT.class);

  private static Map<String, String> env(String... more) {
    Map<String, String> env = new HashMap<>(Map.of(
        "DATABASE_URL", DB.url(), "DATABASE_USER", DB.user(), "DATABASE_PASSWORD", DB.password(),
        "ADMIN_TOKEN", "budget-test-token-0123456789abcdef", "ADMIN_PORT", String.valueOf(JarProcess.freePort()),
        "CLUSTER_PORT", String.valueOf(JarProcess.freePort()), "READ_API_PORT", String.valueOf(JarProcess.freePort())));
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  /** What the server has free for a new node now, as the node computes it. */
  private static int serverFree() throws Exception {
    try (Connection c = DriverManager.getConnection(DB.url(), DB.user(), DB.password()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("""
            SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int
                   - COALESCE(current_setting('reserved_connections', true), '0')::int
                   - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid())::int""")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void aWorkerWhosePoolsCannotFitRefusesToStart() throws Exception {
    Jar.Result migrate = Jar.run(Jar.productionCommand("migrate"), env());
    assertEquals(0, migrate.exit(), migrate.output());
    // One connection more than the server has free: journal 8 + admin 4 + health 2 + projections.
    int projections = serverFree() - 8 - 4 - 2 + 1;
    long start = System.nanoTime();
    Jar.Result worker = Jar.run(Jar.productionCommand("worker"), env("WORKER_POOL_SIZE", String.valueOf(projections)));
    System.out.printf("worker with WORKER_POOL_SIZE=%d: exit %d after %.1f s%n", projections, worker.exit(), (System.nanoTime() - start) / 1e9);
    System.out.println(worker.output().lines().filter(l -> l.startsWith("readside:")).findFirst().orElse("(no message)"));
    assertEquals(1, worker.exit(), worker.output());
    assertTrue(worker.output().contains("readside: not enough PostgreSQL connections for this worker node: its pools may open "
        + (projections + 14) + " (journal 8, projections " + projections + ", admin 4, health 2), but the server has "), worker.output());
    assertTrue(worker.output().contains("Raise max_connections"), worker.output());
    assertTrue(worker.output().contains("WORKER_POOL_SIZE"), worker.output());
  }

  @Test
  void aNodeLogsItsConnectionBudgetAtStart() throws Exception {
    try (JarProcess readApi = JarProcess.start("read-api", env())) {
      readApi.awaitLine("connection budget: read-api node may open 10 PostgreSQL connections (read-api 8, health 2); server: max_connections ",
          Duration.ofSeconds(90));
      readApi.awaitLine("read API listening on", Duration.ofSeconds(90));
    }
  }
}
