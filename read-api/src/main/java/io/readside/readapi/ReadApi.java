package io.readside.readapi;

import com.typesafe.config.Config;
import io.readside.platform.HttpServers;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.ServerBinding;

/** Starts the read API: query routes over the read model on their own JDBC dispatcher. */
public final class ReadApi {
  public record Settings(String host, int port, int poolSize) {
    public static Settings fromConfig(Config config) {
      Config r = config.getConfig("readside.read-api");
      return new Settings(r.getString("host"), r.getInt("port"), r.getInt("pool-size"));
    }
  }

  private ReadApi() {}

  public static ServerBinding start(ActorSystem<?> system, Settings settings, DataSource pool) {
    Executor jdbc = system.dispatchers().lookup(DispatcherSelector.fromConfig("readside.read-api.jdbc-dispatcher"));
    return HttpServers.bind(
        system, settings.host(), settings.port(), new ReadRoutes(new CartQueries(pool), jdbc).route());
  }
}
