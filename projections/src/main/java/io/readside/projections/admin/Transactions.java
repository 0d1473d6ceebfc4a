package io.readside.projections.admin;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The admin pool, one transaction per call: committed when the work returns, rolled back when it throws. */
final class Transactions {
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  @FunctionalInterface
  interface SqlAction {
    void run(Connection c) throws SQLException;
  }

  final DataSource pool;

  Transactions(DataSource pool) {
    this.pool = pool;
  }

  <T> T inTransaction(SqlWork<T> work) throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** A transaction with nothing to return. */
  void run(SqlAction action) throws SQLException {
    inTransaction(c -> {
      action.run(c);
      return null;
    });
  }

  /** The exception's own type and message, past the IllegalStateException a failed pause wraps it in. */
  static String describe(Throwable e) {
    Throwable cause = e instanceof IllegalStateException && e.getCause() != null ? e.getCause() : e;
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }
}
