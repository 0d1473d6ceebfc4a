package io.readside.projections.admin;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;
import static org.apache.pekko.http.javadsl.server.Directives.withRequestTimeout;
import static org.apache.pekko.http.javadsl.server.PathMatchers.longSegment;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.readside.platform.Json;
import io.readside.projections.DeadLetter;
import io.readside.projections.DeadLetters;
import io.readside.projections.ReadModelProjection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The worker's admin HTTP interface. Every /admin route needs the bearer token; /console is the
 * static page over them. Per projection: {@link ProjectionRoutes}; here the status, the audit and
 * the dead letters.
 */
final class AdminRoutes {
  /** shadowRebuild: the projection's last shadow rebuild (null when it never had one). */
  record ProjectionStatus(
      String projection, boolean replaySafe, List<ProjectionStatusQuery.SliceStatus> slices, ShadowRebuildProgress.Report shadowRebuild) {}

  /** source: the worker's readside.worker.source; horizon: what holds the horizon source back. */
  record Status(Instant asOf, String source, HorizonHold horizon, List<ProjectionStatus> projections) {}

  record Listing<T>(List<T> items) {}

  /** Operations on stopped instances wait for ProjectionManagement's timeouts; give them time. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

  private final AdminToken token;
  private final List<ReadModelProjection> projections;
  private final int slices;
  private final String source;
  private final Transactions tx;
  private final DeadLetterOperations deadLetters;
  private final ProjectionRoutes projectionRoutes;
  private final BlockingWork blocking;

  AdminRoutes(
      AdminToken token, List<ReadModelProjection> projections, int slices, String source, ProjectionRoutes.Operations operations,
      BlockingWork blocking) {
    this.token = token;
    this.projections = projections;
    this.slices = slices;
    this.source = source;
    this.tx = operations.slices().tx();
    this.deadLetters = new DeadLetterOperations(operations.slices(), projections);
    this.projectionRoutes = new ProjectionRoutes(projections, operations, blocking);
    this.blocking = blocking;
  }

  Route route() {
    return respondWithHeaders(AdminConsole.SECURITY_HEADERS, () -> concat(AdminConsole.route(), api()));
  }

  private Route api() {
    return withRequestTimeout(REQUEST_TIMEOUT, () -> pathPrefix("admin", () -> authenticated(tokenId -> concat(
        path("projections", () -> get(() -> blocking.run(this::status))),
        pathPrefix("projections", () -> pathPrefix(segment(), name -> projectionRoutes.route(name, tokenId))),
        path(segment("audit").slash("completeness"), () -> get(() -> blocking.run(() -> Json.ok(tx.inTransaction(CompletenessAudit::run))))),
        path("audit", () -> get(() -> parameterOptional("limit", limit -> {
          int n = AdminParameters.limit(limit, 100, 1000);
          return blocking.run(() -> Json.ok(new Listing<>(tx.inTransaction(c -> AdminAudit.list(c, n)))));
        }))),
        path("dead-letters", () -> get(() -> parameterOptional("status", status -> parameterOptional("limit", limit -> {
          Optional<DeadLetter.Status> s = AdminParameters.deadLetterStatus(status);
          int n = AdminParameters.limit(limit, 100, 1000);
          return blocking.run(() -> Json.ok(new Listing<>(tx.inTransaction(c -> DeadLetters.list(c, s, n)))));
        })))),
        pathPrefix("dead-letters", () -> pathPrefix(longSegment(), id -> concat(
            path("retry", () -> post(() -> blocking.run(() -> Json.ok(deadLetters.retry(id, tokenId))))),
            path("discard", () -> post(() -> blocking.run(() -> Json.ok(deadLetters.discard(id, tokenId))))))))))));
  }

  private HttpResponse status() throws Exception {
    List<ProjectionStatusQuery.SliceStatus> all =
        tx.inTransaction(c -> ProjectionStatusQuery.all(c, projections.stream().map(ReadModelProjection::name).toList(), slices));
    List<ProjectionStatus> grouped = new ArrayList<>();
    for (ReadModelProjection p : projections) {
      ShadowRebuildProgress.Report shadow = tx.inTransaction(c -> ShadowRebuildProgress.read(c, p.name())).orElse(null);
      grouped.add(new ProjectionStatus(p.name(), p.replaySafe(), all.stream().filter(s -> s.projection().equals(p.name())).toList(), shadow));
    }
    HorizonHold hold = tx.inTransaction(HorizonHold::read);
    return Json.ok(new Status(Instant.now(), source, hold, grouped));
  }

  private Route authenticated(Function<String, Route> inner) {
    return optionalHeaderValueByName("Authorization", header -> {
      Optional<String> presented = header.filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).trim());
      if (presented.isPresent() && token.matches(presented.get())) {
        return inner.apply(token.id());
      }
      String why = header.isEmpty() ? "an Authorization: Bearer <token> header is required" : "the bearer token is not valid";
      return complete(
          Json.error(StatusCodes.UNAUTHORIZED, "unauthorized", why)
              .addHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "readside-admin"))));
    });
  }
}
