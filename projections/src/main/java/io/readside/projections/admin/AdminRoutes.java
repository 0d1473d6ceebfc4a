package io.readside.projections.admin;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;
import static org.apache.pekko.http.javadsl.server.Directives.withRequestTimeout;
import static org.apache.pekko.http.javadsl.server.PathMatchers.longSegment;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.readside.platform.BadRequest;
import io.readside.platform.Json;
import io.readside.platform.JsonBodies;
import io.readside.platform.QueryParameters;
import io.readside.projections.DeadLetters;
import io.readside.projections.Projections;
import io.readside.projections.ReadModelProjection;
import io.readside.projections.admin.ProjectionOperations.RewindTarget;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.Route;

/** The worker's admin HTTP interface. Every /admin route needs the bearer token; /console is the static page over them. */
final class AdminRoutes {
  /** shadowRebuild: the projection's last shadow rebuild (null when it never had one). */
  record ProjectionStatus(
      String projection, boolean replaySafe, List<ProjectionStatusQuery.SliceStatus> slices, ShadowRebuildProgress.Report shadowRebuild) {}

  /** source: the worker's readside.worker.source; horizon: what holds the horizon source back. */
  record Status(Instant asOf, String source, HorizonHold horizon, List<ProjectionStatus> projections) {}

  record Listing<T>(List<T> items) {}

  private final AdminToken token;
  private final List<ReadModelProjection> projections;
  private final int slices;
  private final ProjectionOperations operations;
  private final DeadLetterOperations deadLetters;
  private final Executor executor;
  private final ProjectionVerify verify;
  private final ShadowRebuild shadowRebuild;

  AdminRoutes(
      AdminToken token, List<ReadModelProjection> projections, int slices, ProjectionOperations operations,
      ProjectionVerify verify, ShadowRebuild shadowRebuild, Executor executor) {
    this.token = token;
    this.shadowRebuild = shadowRebuild;
    this.verify = verify;
    this.projections = projections;
    this.slices = slices;
    this.operations = operations;
    this.deadLetters = new DeadLetterOperations(operations, projections);
    this.executor = executor;
  }

  /** The largest offset a JSON client holds exactly (2^53 - 1); journal orderings stay far below. */
  static final long MAX_OFFSET = 9_007_199_254_740_991L;
  private static final Instant FIRST_INSTANT = Instant.parse("1970-01-01T00:00:00Z");
  private static final Instant PAST_LAST_INSTANT = Instant.parse("+10000-01-01T00:00:00Z");

  /** Operations on stopped instances wait for ProjectionManagement's timeouts; give them time. */
  static final java.time.Duration REQUEST_TIMEOUT = java.time.Duration.ofSeconds(120);

  Route route() {
    return respondWithHeaders(AdminConsole.SECURITY_HEADERS, () -> concat(AdminConsole.route(), api()));
  }

  private Route api() {
    return withRequestTimeout(REQUEST_TIMEOUT, () -> pathPrefix("admin", () -> authenticated(tokenId -> concat(
        path("projections", () -> get(() -> run(this::status))),
        pathPrefix("projections", () -> pathPrefix(segment(), name -> projectionRoutes(name, tokenId))),
        path(segment("audit").slash("completeness"), () -> get(() -> run(() -> Json.ok(operations.inTransaction(CompletenessAudit::run))))),
        path("audit", () -> get(() -> parameterOptional(QueryParameters.count(1, 1000), "limit", limit -> {
          int n = limit.orElse(100);
          return run(() -> Json.ok(new Listing<>(operations.inTransaction(c -> AdminAudit.list(c, n)))));
        }))),
        path("dead-letters", () -> get(() -> parameterOptional("status", status -> parameterOptional(QueryParameters.count(1, 1000), "limit", limit -> {
          Optional<String> s = status.filter(v -> !v.equals("all"));
          if (s.isPresent() && !Set.of("parked", "retried", "discarded").contains(s.get())) {
            throw new BadRequest("invalid_parameter", "status must be parked, retried, discarded or all, got '" + s.get() + "'");
          }
          int n = limit.orElse(100);
          return run(() -> Json.ok(new Listing<>(operations.inTransaction(c -> DeadLetters.list(c, s, n)))));
        })))),
        pathPrefix("dead-letters", () -> pathPrefix(longSegment(), id -> concat(
            path("retry", () -> post(() -> run(() -> Json.ok(deadLetters.retry(id, tokenId))))),
            path("discard", () -> post(() -> run(() -> Json.ok(deadLetters.discard(id, tokenId))))))))))));
  }

  private Route projectionRoutes(String name, String tokenId) {
    Optional<ReadModelProjection> found = Projections.named(projections, name);
    if (found.isEmpty()) {
      return Json.error(StatusCodes.NOT_FOUND, "unknown_projection",
          "no projection " + name + "; known: " + String.join(", ", projections.stream().map(ReadModelProjection::name).toList())).complete();
    }
    ReadModelProjection projection = found.get();
    // Any whole number: the operations check it against the slice count.
    return parameterOptional(QueryParameters.count(0, Integer.MAX_VALUE), "slice", slice -> {
      return concat(
          path("verify", () -> get(() -> run(() -> Json.ok(verify.run(projection, operations.slices(slice), ProjectionVerify.Progress.NONE))))),
          path("shadow-rebuild", () -> get(() -> run(() -> operations.inTransaction(c -> ShadowRebuildProgress.read(c, projection.name()))
              .map(Json::ok)
              .orElseGet(() -> Json.error(StatusCodes.NOT_FOUND, "not_found", projection.name() + " has had no shadow rebuild"))))),
          post(() -> concat(
          path("pause", () -> run(() -> Json.ok(operations.pause(projection, slice, tokenId)))),
          path("resume", () -> run(() -> Json.ok(operations.resume(projection, slice, tokenId)))),
          path("rebuild", () -> parameterOptional("shadow", shadow -> {
            if (shadow.isPresent() && !Set.of("true", "false").contains(shadow.get())) {
              throw new BadRequest("invalid_parameter", "shadow must be true or false, got '" + QueryParameters.shown(shadow.get()) + "'");
            }
            if (shadow.filter("true"::equals).isEmpty()) {
              return run(() -> Json.ok(operations.rebuild(projection, slice, tokenId)));
            }
            if (slice.isPresent()) {
              throw new BadRequest("invalid_parameter", "a shadow rebuild replaces every slice at once; leave out slice");
            }
            // Builds in the background: 202 with the progress, then GET .../shadow-rebuild or the status.
            return run(() -> Json.response(StatusCodes.ACCEPTED, shadowRebuild.start(projection, tokenId)));
          })),
          path("rewind", () -> JsonBodies.jsonBody(JsonNode.class, body -> {
            RewindTarget target = rewindTarget(body);
            boolean dryRun = body.has("dryRun") && dryRun(body.get("dryRun"));
            return run(() -> Json.ok(operations.rewind(projection, target, dryRun, slice, tokenId)));
          })))));
    });
  }

  private Json.Reply status() throws Exception {
    List<ProjectionStatusQuery.SliceStatus> all =
        operations.inTransaction(c -> ProjectionStatusQuery.all(c, projections.stream().map(ReadModelProjection::name).toList(), slices));
    List<ProjectionStatus> grouped = new ArrayList<>();
    for (ReadModelProjection p : projections) {
      ShadowRebuildProgress.Report shadow = operations.inTransaction(c -> ShadowRebuildProgress.read(c, p.name())).orElse(null);
      grouped.add(new ProjectionStatus(p.name(), p.replaySafe(), all.stream().filter(s -> s.projection().equals(p.name())).toList(), shadow));
    }
    HorizonHold hold = operations.inTransaction(HorizonHold::read);
    return Json.ok(new Status(Instant.now(), operations.source().configName, hold, grouped));
  }

  private Route authenticated(Function<String, Route> inner) {
    return optionalHeaderValueByName("Authorization", header -> {
      Optional<String> presented = header.filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).trim());
      if (presented.isPresent() && token.matches(presented.get())) {
        return inner.apply(token.id());
      }
      String why = header.isEmpty() ? "an Authorization: Bearer <token> header is required" : "the bearer token is not valid";
      return Json.error(StatusCodes.UNAUTHORIZED, "unauthorized", why)
          .addHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "readside-admin")))
          .complete();
    });
  }

  @FunctionalInterface
  private interface Work {
    Json.Reply run() throws Exception;
  }

  /** Admin work is blocking (JDBC, waiting on instances): off Pekko's threads, errors as JSON. */
  private Route run(Work work) {
    CompletableFuture<Json.Reply> response =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return work.run();
              } catch (ProjectionOperations.Refused e) {
                return Json.error(e.code.equals("not_found") ? StatusCodes.NOT_FOUND : StatusCodes.CONFLICT, e.code, e.getMessage());
              } catch (BadRequest e) {
                return Json.error(StatusCodes.BAD_REQUEST, e.code(), e.getMessage());
              } catch (RuntimeException e) {
                if (e.getCause() instanceof ProjectionOperations.Refused r) {
                  return Json.error(StatusCodes.CONFLICT, r.code, r.getMessage());
                }
                throw e;
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            },
            executor);
    return onSuccess(response, Json.Reply::complete);
  }

  private static RewindTarget rewindTarget(JsonNode body) {
    if (!body.isObject()) {
      throw new BadRequest("invalid_body", "the body must be a JSON object");
    }
    body.fieldNames().forEachRemaining(f -> {
      if (!Set.of("toOffset", "toTimestamp", "dryRun").contains(f)) {
        throw new BadRequest("invalid_body", "unknown field " + f + "; expected toOffset or toTimestamp, and dryRun");
      }
    });
    boolean hasOffset = body.has("toOffset");
    if (hasOffset == body.has("toTimestamp")) {
      throw new BadRequest("invalid_body", "give exactly one of toOffset (a journal ordering) or toTimestamp (ISO-8601)");
    }
    if (hasOffset) {
      JsonNode offset = body.get("toOffset");
      if (!offset.isIntegralNumber() || !offset.canConvertToLong() || offset.asLong() < 0 || offset.asLong() > MAX_OFFSET) {
        throw new BadRequest("invalid_body", "toOffset must be a whole number from 0 to " + MAX_OFFSET + ", got " + shown(offset));
      }
      return new RewindTarget.ToOffset(offset.asLong());
    }
    JsonNode timestamp = body.get("toTimestamp");
    try {
      if (timestamp.isTextual()) {
        Instant instant = Instant.parse(timestamp.asText());
        if (!instant.isBefore(FIRST_INSTANT) && instant.isBefore(PAST_LAST_INSTANT)) {
          return new RewindTarget.ToTimestamp(instant);
        }
      }
    } catch (DateTimeParseException e) {
      // the same message as an instant out of range
    }
    throw new BadRequest("invalid_body",
        "toTimestamp must be an ISO-8601 instant from 1970 to 9999 like 2026-11-30T10:00:00Z, got " + shown(timestamp));
  }

  private static String shown(JsonNode value) {
    String text = value.toString();
    return text.length() > 100 ? text.substring(0, 100) + "..." : text;
  }

  private static boolean dryRun(JsonNode node) {
    if (!node.isBoolean()) {
      throw new BadRequest("invalid_body", "dryRun must be true or false, got " + node);
    }
    return node.asBoolean();
  }
}
