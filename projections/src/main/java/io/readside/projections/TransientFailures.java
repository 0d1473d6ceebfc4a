package io.readside.projections;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Tells a failure of the database or the connection (worth retrying later, never a reason to park
 * an event) from a failure of the event itself. By SQLState (PostgreSQL's error codes) and by the
 * JDBC exception types drivers and pools use for transient conditions, anywhere in the cause chain.
 */
public final class TransientFailures {
  /** Whole classes: connection exceptions, insufficient resources, operator intervention, system errors. */
  private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "53", "57", "58");

  /** Single codes: serialization failure, deadlock, lock not available, idle-in-transaction timeout. */
  private static final Set<String> TRANSIENT_CODES = Set.of("40001", "40P01", "55P03", "25P03");

  private TransientFailures() {}

  public static boolean isTransient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (TRANSIENT_CODES.contains(state) || (state.length() >= 2 && TRANSIENT_CLASSES.contains(state.substring(0, 2)))) {
          return true;
        }
      }
    }
    return false;
  }
}
