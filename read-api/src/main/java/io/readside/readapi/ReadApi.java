package io.readside.readapi;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.Gauge;
import io.readside.platform.HttpServers;
import io.readside.platform.NodeMetrics;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.ServerBinding;
import scala.concurrent.ExecutionContextExecutor;

/** Starts the read API: query routes over the read model on their own JDBC dispatcher. */
public final class ReadApi {
  public record Settings(String host, int port, int poolSize, int maxWaiting, Duration waitPollInterval) {
    public static Settings fromConfig(Config config) {
      Config r = config.getConfig("readside.read-api");
      return new Settings(
          r.getString("host"), r.getInt("port"), r.getInt("pool-size"), r.getInt("max-waiting"), r.getDuration("wait-poll-interval"));
    }
  }

  private ReadApi() {}

  public static ServerBinding start(ActorSystem<?> system, Settings settings, DataSource pool) {
    ExecutionContextExecutor jdbc =
        system.dispatchers().lookup(DispatcherSelector.fromConfig("readside.read-api.jdbc-dispatcher"));
    CartQueries queries = new CartQueries(pool);
    CartWaiters waiters = new CartWaiters(queries::appliedSeqNrs, settings.maxWaiting());
    // Fixed delay: one poll at a time, each taking one JDBC thread for one query.
    system.scheduler().scheduleWithFixedDelay(settings.waitPollInterval(), settings.waitPollInterval(), waiters::poll, jdbc);
    Gauge.builder("readside.read_api.waiting_reads", waiters, CartWaiters::waiting)
        .description("Reads waiting for the projection to apply a cart's minSeqNr")
        .register(NodeMetrics.get(system).registry());
    return HttpServers.bind(system, settings.host(), settings.port(), new ReadRoutes(queries, waiters, jdbc).route());
  }
}
