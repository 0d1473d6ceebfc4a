package io.readside.projections.admin;

import com.typesafe.config.Config;
import io.readside.platform.HttpServers;
import io.readside.platform.NodeMetrics;
import io.readside.projections.ReadModelProjection;
import io.readside.projections.Worker;
import java.util.List;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.serialization.Serialization;
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
    Worker.Source source = Worker.Source.fromConfig(system.settings().config());
    Serialization serialization = SerializationExtension.get(system.classicSystem());
    Transactions tx = new Transactions(pool);
    SliceOperations operations = new SliceOperations(tx, slices, executor);
    SlicePause pause = new SlicePause(system, tx);
    ProjectionRoutes.Operations routed = new ProjectionRoutes.Operations(
        operations,
        new PauseResume(operations, pause),
        new SliceRebuild(operations, pause),
        new Rewind(operations, pause, source),
        new ShadowRebuild(operations, pause, new SliceJournal(serialization), new ShadowRebuildProgress(pool, system.address().toString()), source),
        new ProjectionVerify(pool::getConnection, serialization, source));
    LagGauges.start(system, NodeMetrics.get(system).registry());
    return HttpServers.bind(
        system, settings.host(), settings.port(),
        new AdminRoutes(token, projections, slices, source.configName, routed, new BlockingWork(executor)).route());
  }
}
