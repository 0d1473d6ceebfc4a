package io.readside.writeside;

import com.typesafe.config.Config;
import io.readside.platform.HttpServers;
import io.readside.platform.Tracing;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.http.javadsl.ServerBinding;

/** Starts the write side on a node: carts under Cluster Sharding (role write) and their HTTP routes. */
public final class WriteSide {
  public static final String ROLE = "write";

  public record Settings(String host, int port, Duration askTimeout, int slices) {
    public static Settings fromConfig(Config config) {
      Config ws = config.getConfig("readside.write-side");
      return new Settings(
          ws.getString("host"), ws.getInt("port"), ws.getDuration("ask-timeout"), config.getInt("readside.slices"));
    }
  }

  private WriteSide() {}

  public static ServerBinding start(ActorSystem<?> system, Settings settings) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(ShoppingCart.ENTITY_KEY, ctx -> ShoppingCart.create(ctx.getEntityId(), settings.slices()))
            .withRole(ROLE));
    return HttpServers.bind(
        system, settings.host(), settings.port(), new CartRoutes(sharding, settings.askTimeout(), Tracing.get(system)).route());
  }
}
