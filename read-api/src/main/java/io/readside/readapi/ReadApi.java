package io.readside.readapi;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.Gauge;
import io.readside.platform.Tracing;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.HttpServers;
import io.readside.platform.NodeMetrics;
import io.readside.platform.PgListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.ServerBinding;
import scala.concurrent.ExecutionContextExecutor;

/** Starts the read API: query routes over the read model on their own JDBC dispatcher. */
public final class ReadApi {
  public record Settings(String host, int port, int poolSize, int maxWaiting, Duration waitPollInterval, boolean waitNotify) {
    public static Settings fromConfig(Config config) {
      Config r = config.getConfig("readside.read-api");
      return new Settings(
          r.getString("host"), r.getInt("port"), r.getInt("pool-size"), r.getInt("max-waiting"), r.getDuration("wait-poll-interval"),
          r.getBoolean("wait-notify"));
    }
  }

  static final String APPLICATION_NAME = "readside-read-api-watch";
  private static final Duration LISTENER_IDLE = Duration.ofMinutes(1);

  private ReadApi() {}

  /** {@code db} is for the LISTEN connection of waiting reads (outside the pool), when wait-notify is on. */
  public static ServerBinding start(ActorSystem<?> system, Settings settings, DataSource pool, DatabaseSettings db) {
    ExecutionContextExecutor jdbc =
        system.dispatchers().lookup(DispatcherSelector.fromConfig("readside.read-api.jdbc-dispatcher"));
    CartQueries queries = new CartQueries(pool);
    CartWaiters waiters = new CartWaiters(queries::appliedSeqNrs, settings.maxWaiting());
    // One poll at a time, each taking one JDBC thread for one query.
    system.scheduler().scheduleWithFixedDelay(
        settings.waitPollInterval(), settings.waitPollInterval(), () -> waiters.pollSoon(jdbc), jdbc);
    if (settings.waitNotify()) {
      // A cart-summary commit notifies (V20): check the waiting carts at once rather than at the
      // next poll. Only a wake-up: the periodic poll above stays, so a lost connection costs latency only.
      PgListener listener = PgListener.start(db, APPLICATION_NAME, List.of("readside_cart_summary"), (cause, payloads, c) -> {
        if (cause != PgListener.Cause.WAITED) {
          waiters.pollSoon(jdbc);
        }
        return LISTENER_IDLE;
      });
      CoordinatedShutdown.get(system).addTask(
          CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-read-api-listener", () -> {
            listener.close();
            return CompletableFuture.completedFuture(Done.getInstance());
          });
    }
    Gauge.builder("readside.read_api.waiting_reads", waiters, CartWaiters::waiting)
        .description("Reads waiting for the projection to apply a cart's minSeqNr")
        .register(NodeMetrics.get(system).registry());
    return HttpServers.bind(system, settings.host(), settings.port(), new ReadRoutes(queries, waiters, jdbc, Tracing.get(system)).route());
  }
}
