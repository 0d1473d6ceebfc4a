package io.readside.projections.admin;

import com.typesafe.config.Config;
import io.readside.platform.HttpServers;
import io.readside.platform.NodeMetrics;
import io.readside.projections.ReadModelProjection;
import java.util.List;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.serialization.SerializationExtension;

/** Starts the admin HTTP endpoint of a worker node. */
public final class Admin {
  public record Settings(String host, int port, String token) {
    public static Settings fromConfig(Config config) {
      Config a = config.getConfig("readside.admin");
      return new Settings(a.getString("host"), a.getInt("port"), a.getString("token"));
    }
  }

  private Admin() {}

  public static ServerBinding start(
      ActorSystem<?> system, Settings settings, DataSource pool, List<ReadModelProjection> projections, int slices) {
    AdminToken token = AdminToken.of(settings.token());
    Executor executor = system.dispatchers().lookup(DispatcherSelector.fromConfig("readside.admin.dispatcher"));
    ProjectionOperations operations = new ProjectionOperations(system, pool, slices, executor);
    ProjectionVerify verify = new ProjectionVerify(pool::getConnection, SerializationExtension.get(system.classicSystem()), operations.source());
    ShadowRebuild shadowRebuild =
        new ShadowRebuild(operations, pool, new SliceJournal(SerializationExtension.get(system.classicSystem())),
            new ShadowRebuildProgress(pool, system.address().toString()));
    LagGauges.start(system, NodeMetrics.get(system).registry());
    return HttpServers.bind(
        system, settings.host(), settings.port(), new AdminRoutes(token, projections, slices, operations, verify, shadowRebuild, executor).route());
  }
}
