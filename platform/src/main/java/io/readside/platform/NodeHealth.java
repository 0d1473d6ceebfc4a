package io.readside.platform;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.HealthCheckSettings;
import org.apache.pekko.management.javadsl.CheckResult;
import org.apache.pekko.management.javadsl.HealthChecks;

/**
 * Liveness and readiness at {@code GET /health/alive} and {@code GET /health/ready} on every HTTP
 * server, answered by pekko-management's health checks as configured under
 * {@code pekko.management.health-checks} (cluster membership, database, projection lag).
 */
public final class NodeHealth implements Extension {
  private static final ExtensionId<NodeHealth> ID =
      new ExtensionId<>() {
        @Override
        public NodeHealth createExtension(ActorSystem<?> system) {
          return new NodeHealth(system);
        }
      };

  private final HealthChecks checks;

  private NodeHealth(ActorSystem<?> system) {
    this.checks =
        new HealthChecks(
            (ExtendedActorSystem) Adapter.toClassic(system),
            HealthCheckSettings.create(system.settings().config().getConfig("pekko.management.health-checks")));
  }

  public static NodeHealth get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  public Route route() {
    return pathPrefix("health", () -> Directives.get(() -> concat(
        path("alive", () -> respond("alive", checks.aliveResult())),
        path("ready", () -> respond("ready", checks.readyResult())))));
  }

  /** A check that fails or times out (rather than answering false) is a 503 too, with its reason. */
  private static Route respond(String state, CompletionStage<CheckResult> result) {
    return onSuccess(
        result.handle((r, e) -> {
          if (e != null) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return Json.error(StatusCodes.SERVICE_UNAVAILABLE, "not_" + state, String.valueOf(cause.getMessage()));
          }
          return r.isSuccess()
              ? Json.ok(Map.of("status", state))
              : Json.error(StatusCodes.SERVICE_UNAVAILABLE, "not_" + state, r.failure().orElse("a health check failed"));
        }),
        Json.Reply::complete);
  }
}
