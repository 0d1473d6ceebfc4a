package io.readside.platform;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dedicated PostgreSQL connection that LISTENs on some channels, on its own thread. It tells
 * its {@link Handler} when the channels were (re)listened to, when notifications arrived and when
 * the handler's wait passed without any, always on that thread and with that connection, so a
 * handler can query on it (which also notices a dead connection). When the connection is lost
 * (a database restart, {@code pg_terminate_backend}) it says so, then connects again with backoff
 * and LISTENs on the new connection; the handler's {@code CONNECTED} call is its cue to catch up
 * on whatever was notified in between.
 */
public final class PgListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PgListener.class);
  private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

  /** Why the handler is called. */
  public enum Cause {
    /** LISTEN is in place on a new connection: anything may have been missed before it. */
    CONNECTED,
    /** At least one notification arrived (several are delivered as one call). */
    NOTIFIED,
    /** The wait the handler asked for passed without a notification. */
    WAITED
  }

  @FunctionalInterface
  public interface Handler {
    /**
     * Called on the listener's thread with its connection (autocommit). Returns how long to wait
     * for the next notification before calling again with {@link Cause#WAITED}. A thrown
     * SQLException counts as a lost connection.
     */
    Duration on(Cause cause, List<String> payloads, Connection connection) throws SQLException;

    /** The connection is gone; notifications are missed until the next {@link Cause#CONNECTED}. */
    default void lost(Exception cause) {}
  }

  private final DatabaseSettings db;
  private final String applicationName;
  private final List<String> channels;
  private final Handler handler;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean listening;
  private volatile Connection current;

  private PgListener(DatabaseSettings db, String applicationName, List<String> channels, Handler handler) {
    for (String channel : channels) {
      if (!CHANNEL.matcher(channel).matches()) {
        // LISTEN takes an identifier, not a parameter: only plain lower-case names are accepted.
        throw new IllegalArgumentException("not a plain channel name: " + channel);
      }
    }
    this.db = db;
    this.applicationName = applicationName;
    this.channels = List.copyOf(channels);
    this.handler = handler;
    this.thread = new Thread(this::run, applicationName);
    this.thread.setDaemon(true);
  }

  /** Starts listening on a thread named {@code applicationName} (also the connection's application_name). */
  public static PgListener start(DatabaseSettings db, String applicationName, List<String> channels, Handler handler) {
    PgListener listener = new PgListener(db, applicationName, channels, handler);
    listener.thread.start();
    return listener;
  }

  /** True while LISTEN is in place on a live connection (as far as this side knows). */
  public boolean listening() {
    return listening;
  }

  private void run() {
    Duration backoff = MIN_BACKOFF;
    boolean warned = false;
    while (running) {
      try (Connection c = connect()) {
        current = c;
        try (Statement s = c.createStatement()) {
          for (String channel : channels) {
            s.execute("LISTEN " + channel);
          }
        }
        listening = true;
        if (warned) {
          log.info("{}: listening again on {}", applicationName, channels);
        }
        warned = false;
        backoff = MIN_BACKOFF;
        PGConnection pg = c.unwrap(PGConnection.class);
        Duration wait = handler.on(Cause.CONNECTED, List.of(), c);
        while (running) {
          PGNotification[] got = pg.getNotifications((int) Math.max(1, wait.toMillis()));
          wait = got == null || got.length == 0
              ? handler.on(Cause.WAITED, List.of(), c)
              : handler.on(Cause.NOTIFIED, java.util.Arrays.stream(got).map(PGNotification::getParameter).toList(), c);
        }
      } catch (SQLException | RuntimeException e) {
        listening = false;
        if (!running) {
          return;
        }
        if (!warned) {
          log.warn("{}: lost LISTEN connection ({}); reconnecting, polling meanwhile", applicationName, e.getMessage());
          warned = true;
        }
        handler.lost(e);
        try {
          Thread.sleep(backoff.toMillis()); // reconnect backoff on this dedicated thread, not synchronisation
        } catch (InterruptedException ie) {
          return;
        }
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      } finally {
        current = null;
      }
    }
  }

  private Connection connect() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", db.user());
    props.setProperty("password", db.password());
    props.setProperty("ApplicationName", applicationName);
    props.setProperty("connectTimeout", "2");
    // A dead host shows up as a socket timeout on the handler's periodic query; keep-alive for the rest.
    props.setProperty("socketTimeout", "30");
    props.setProperty("tcpKeepAlive", "true");
    Connection c = DriverManager.getConnection(db.url(), props);
    c.setAutoCommit(true);
    return c;
  }

  @Override
  public void close() {
    running = false;
    listening = false;
    thread.interrupt();
    Connection c = current;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
  }
}
