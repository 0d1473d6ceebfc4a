package io.readside.platform;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL connections one node may open: the maximum size of each of its pools. At start
 * the node logs it beside what the server has free, and refuses to start when it does not fit,
 * rather than fail later with "too many clients" under load, when a pool grows to its maximum.
 *
 * <p>Free means max_connections minus the slots PostgreSQL keeps for superusers
 * (superuser_reserved_connections) and for pg_use_reserved_connections (reserved_connections,
 * PostgreSQL 16+), minus the connections other sessions hold now. Other nodes' pools may still
 * grow: the check catches a node that can never fit, not every overcommit; size max_connections
 * for the sum over all nodes (ops/README.md, "Connection budget").
 */
public record ConnectionBudget(String node, Map<String, Integer> pools) {
  private static final Logger log = LoggerFactory.getLogger(ConnectionBudget.class);

  public ConnectionBudget {
    pools = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pools));
  }

  public int total() {
    return pools.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** e.g. "journal 8, projections 8, admin 4, health 2". */
  public String describe() {
    return pools.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
  }

  /** What the server allows and what others use, read once at start. */
  public record Server(int maxConnections, int superuserReserved, int reserved, int inUseByOthers) {
    public int free() {
      return maxConnections - superuserReserved - reserved - inUseByOthers;
    }

    @Override
    public String toString() {
      return "max_connections " + maxConnections + " - superuser_reserved_connections " + superuserReserved
          + " - reserved_connections " + reserved + " - " + inUseByOthers + " in use by other sessions = " + free() + " free";
    }

    static Server read(Connection c) throws SQLException {
      try (Statement s = c.createStatement();
          // reserved_connections exists from PostgreSQL 16; current_setting(.., true) is NULL before.
          ResultSet rs = s.executeQuery("""
              SELECT current_setting('max_connections')::int,
                     current_setting('superuser_reserved_connections')::int,
                     COALESCE(current_setting('reserved_connections', true), '0')::int,
                     (SELECT count(*) FROM pg_stat_activity
                       WHERE backend_type = 'client backend' AND pid <> pg_backend_pid())::int""")) {
        rs.next();
        return new Server(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4));
      }
    }
  }

  /** Thrown when the node's pools cannot fit; its message says what to change. */
  public static final class Exceeded extends IllegalStateException {
    Exceeded(String message) {
      super(message);
    }
  }

  /**
   * Logs the budget and the server's free connections; throws {@link Exceeded} when they do not fit.
   * A database that does not answer is not this check's business: the pools report it.
   */
  public void check(DatabaseSettings db) {
    Server server;
    Properties props = new Properties();
    props.setProperty("user", db.user());
    props.setProperty("password", db.password());
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "10");
    try (Connection c = DriverManager.getConnection(db.url(), props)) {
      server = Server.read(c);
    } catch (SQLException e) {
      log.warn("connection budget: {} node may open {} PostgreSQL connections ({}); could not read the server's limits: {}",
          node, total(), describe(), e.getMessage());
      return;
    }
    if (total() > server.free()) {
      throw new Exceeded("not enough PostgreSQL connections for this " + node + " node: its pools may open " + total()
          + " (" + describe() + "), but the server has " + server.free() + " free (" + server + "). "
          + "Raise max_connections (ops/README.md, \"Connection budget\"), lower the pools "
          + "(JOURNAL_POOL_SIZE, WORKER_POOL_SIZE, READ_API_POOL_SIZE), or, behind a connection pooler "
          + "such as PgBouncer, set DATABASE_CONNECTION_BUDGET_CHECK=false.");
    }
    log.info("connection budget: {} node may open {} PostgreSQL connections ({}); server: {}", node, total(), describe(), server);
  }
}
