package io.readside.projections.admin;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.databind.JsonNode;
import io.readside.platform.BadRequest;
import io.readside.platform.Json;
import io.readside.platform.JsonBodies;
import io.readside.projections.Projections;
import io.readside.projections.ReadModelProjection;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/** /admin/projections/{name}/...: verify, the shadow rebuild's progress, pause, resume, rebuild and rewind. */
final class ProjectionRoutes {
  /** The operations these routes call. */
  record Operations(
      SliceOperations slices, PauseResume pauseResume, SliceRebuild rebuild, Rewind rewind, ShadowRebuild shadowRebuild,
      ProjectionVerify verify) {}

  private final List<ReadModelProjection> projections;
  private final Operations operations;
  private final BlockingWork blocking;

  ProjectionRoutes(List<ReadModelProjection> projections, Operations operations, BlockingWork blocking) {
    this.projections = projections;
    this.operations = operations;
    this.blocking = blocking;
  }

  Route route(String name, String tokenId) {
    Optional<ReadModelProjection> found = Projections.named(projections, name);
    if (found.isEmpty()) {
      return complete(Json.error(StatusCodes.NOT_FOUND, "unknown_projection",
          "no projection " + name + "; known: " + String.join(", ", projections.stream().map(ReadModelProjection::name).toList())));
    }
    ReadModelProjection projection = found.get();
    return parameterOptional("slice", sliceRaw -> {
      Optional<Integer> slice = sliceRaw.map(AdminParameters::slice);
      return concat(
          path("verify", () -> get(() -> run(() ->
              Json.ok(operations.verify().run(projection, operations.slices().slices(slice), ProjectionVerify.Progress.NONE))))),
          path("shadow-rebuild", () -> get(() -> run(() ->
              operations.slices().tx().inTransaction(c -> ShadowRebuildProgress.read(c, projection.name()))
                  .map(Json::ok)
                  .orElseGet(() -> Json.error(StatusCodes.NOT_FOUND, "not_found", projection.name() + " has had no shadow rebuild"))))),
          post(() -> concat(
              path("pause", () -> run(() -> Json.ok(operations.pauseResume().pause(projection, slice, tokenId)))),
              path("resume", () -> run(() -> Json.ok(operations.pauseResume().resume(projection, slice, tokenId)))),
              path("rebuild", () -> parameterOptional("shadow", shadow -> rebuild(projection, slice, AdminParameters.shadow(shadow), tokenId))),
              path("rewind", () -> JsonBodies.jsonBody(JsonNode.class, body -> {
                RewindTarget target = AdminParameters.rewindTarget(body);
                boolean dryRun = AdminParameters.dryRun(body);
                return run(() -> Json.ok(operations.rewind().rewind(projection, target, dryRun, slice, tokenId)));
              })))));
    });
  }

  private Route rebuild(ReadModelProjection projection, Optional<Integer> slice, boolean shadow, String tokenId) {
    if (!shadow) {
      return run(() -> Json.ok(operations.rebuild().rebuild(projection, slice, tokenId)));
    }
    if (slice.isPresent()) {
      throw new BadRequest("invalid_parameter", "a shadow rebuild replaces every slice at once; leave out slice");
    }
    // Builds in the background: 202 with the progress, then GET .../shadow-rebuild or the status.
    return run(() -> Json.response(StatusCodes.ACCEPTED, operations.shadowRebuild().start(projection, tokenId)));
  }

  private Route run(BlockingWork.Work work) {
    return blocking.run(work);
  }
}
