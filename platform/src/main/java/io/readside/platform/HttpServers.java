package io.readside.platform;

import static org.apache.pekko.http.javadsl.server.Directives.concat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;


/**
 * Binds a route, with the node's {@code GET /metrics} and {@code GET /health/alive|ready} beside
 * it, and waits for the binding, so a taken port fails start-up loudly.
 */
public final class HttpServers {
  private HttpServers() {}

  public static ServerBinding bind(ActorSystem<?> system, String host, int port, Route route) {
    try {
      ServerBinding binding =
          Http.get(system)
              .newServerAt(host, port)
              .bind(HttpErrors.withJsonErrors(concat(NodeMetrics.get(system).route(), NodeHealth.get(system).route(), route)))
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      binding.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
      return binding;
    } catch (Exception e) {
      throw new IllegalStateException("could not bind HTTP on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }
}
