package io.readside.platform;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletionException;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Tells "the database cannot be reached or did not answer in time" (a 503 the client may retry)
 * from a failure of ours (a 500): no pooled connection in time (HikariCP), SQLState class 08
 * (connection exception), 57P01-57P03 (shutting down, starting up), 57014 (statement timeout),
 * 53300 (too many connections).
 */
public final class DatabaseUnavailable {
  private DatabaseUnavailable() {}

  public static boolean isUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P0") || state.equals("57014") || state.equals("53300")) {
          return true;
        }
      }
    }
    return false;
  }

  /** The 503 for an unavailable database; any other failure goes on as it was (a 500). */
  public static Json.Reply responseOrRethrow(Throwable failure) {
    if (isUnavailable(failure)) {
      return Json.error(
          StatusCodes.SERVICE_UNAVAILABLE,
          "database_unavailable",
          "the database is unavailable or did not answer in time; retry shortly");
    }
    throw failure instanceof CompletionException completion ? completion : new CompletionException(failure);
  }
}
