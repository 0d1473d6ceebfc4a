package io.readside.projections;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import javax.sql.DataSource;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.projection.jdbc.JdbcSession;
import org.postgresql.PGConnection;

/**
 * One pooled connection per envelope group, in one transaction: the projection writes the
 * read-model rows and its offset through it, then commits or rolls back both together.
 */
public final class PooledJdbcSession implements JdbcSession {
  /**
   * The timeout each physical connection was given (weak keys: a closed connection drops out). A
   * session setting stays with the connection through the pool, so it is SET once per connection,
   * not once per group: one round trip fewer in every group (issue 13's lag).
   */
  private static final Map<Object, Long> TIMEOUT_SET = Collections.synchronizedMap(new WeakHashMap<>());

  private final Connection connection;

  public PooledJdbcSession(DataSource pool) {
    this(pool, Duration.ZERO);
  }

  /**
   * With a limit on how long the transaction may sit idle: a worker frozen mid-group (GC pause,
   * SIGSTOP, a lost VM) holds its slice's epoch lock, and PostgreSQL ends that transaction after
   * this long so the slice's next owner waits seconds, not for ever. Zero means no limit.
   */
  public PooledJdbcSession(DataSource pool, Duration idleInTransactionTimeout) {
    try {
      this.connection = pool.getConnection();
      if (!idleInTransactionTimeout.isZero()) {
        Object physical = connection.isWrapperFor(PGConnection.class) ? connection.unwrap(PGConnection.class) : connection;
        Long millis = idleInTransactionTimeout.toMillis();
        if (!millis.equals(TIMEOUT_SET.get(physical))) {
          try (Statement st = connection.createStatement()) {
            st.execute("SET idle_in_transaction_session_timeout = " + millis);
          }
          TIMEOUT_SET.put(physical, millis);
        }
      }
      connection.setAutoCommit(false);
    } catch (SQLException e) {
      throw new IllegalStateException("no connection from the projection pool: " + e.getMessage(), e);
    }
  }

  @Override
  public <R> R withConnection(Function<Connection, R> func) throws Exception {
    return func.apply(connection);
  }

  @Override
  public void commit() throws SQLException {
    connection.commit();
  }

  @Override
  public void rollback() throws SQLException {
    connection.rollback();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
