package io.readside.projections.admin;

import io.readside.projections.SliceStatusRecorder;
import io.readside.projections.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.projection.ProjectionId;

/**
 * Readiness of a worker, about this node only: every slice whose instance runs here and is not
 * paused is within readside.worker.ready-max-lag (age of its oldest unapplied event). A paused
 * slice, or one another node runs, takes no worker out of service. Answers from the node's
 * shared, cached lag status. Instantiated by pekko-management from config.
 */
public final class LagReadinessCheck implements Supplier<CompletionStage<Boolean>> {
  private final org.apache.pekko.actor.typed.ActorSystem<?> system;
  private final Duration maxLag;
  private final boolean horizonSource;

  public LagReadinessCheck(ActorSystem system) {
    this.system = Adapter.toTyped(system);
    this.maxLag = system.settings().config().getDuration("readside.worker.ready-max-lag");
    this.horizonSource = Worker.Source.fromConfig(system.settings().config()) == Worker.Source.HORIZON;
  }

  /** The lags and, with the horizon source, what holds the horizon back (null otherwise). */
  private record Reading(List<ProjectionStatusQuery.SliceLag> lags, HorizonHold hold) {}

  @Override
  public CompletionStage<Boolean> get() {
    Set<ProjectionId> here = SliceStatusRecorder.onNode(system).map(SliceStatusRecorder::runningHere).orElse(Set.of());
    double maxSeconds = maxLag.toMillis() / 1000.0;
    // Completed directly (not through thenApply) so the reason reaches the 503 unwrapped.
    CompletableFuture<Boolean> ready = new CompletableFuture<>();
    SliceLagCache cache = SliceLagCache.get(system);
    CompletableFuture<HorizonHold> hold = horizonSource
        ? cache.horizonHold().toCompletableFuture()
        : CompletableFuture.completedFuture(null);
    cache.current().thenCombine(hold, Reading::new).whenComplete((reading, error) -> {
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        ready.completeExceptionally(new IllegalStateException("projection lag unknown: " + cause.getMessage(), cause));
        return;
      }
      List<ProjectionStatusQuery.SliceLag> lags = reading.lags();
      HorizonHold h = reading.hold();
      List<String> behind = new java.util.ArrayList<>(lags.stream()
          .filter(s -> !s.paused() && s.lagSeconds() > maxSeconds && here.contains(ProjectionId.of(s.projection(), s.tag())))
          .map(s -> String.format("%s slice %d is %.1f s behind", s.projection(), s.slice(), s.lagSeconds()))
          .toList());
      // With the horizon source nothing newer than the oldest running transaction is read: a
      // transaction held longer than the max lag stalls every slice, whatever the counts say.
      if (h != null && h.heldSeconds() > maxSeconds && !here.isEmpty()) {
        behind.add("the horizon is " + h.description());
      }
      if (behind.isEmpty()) {
        ready.complete(true);
      } else {
        ready.completeExceptionally(new IllegalStateException(
            String.join(", ", behind) + " (readside.worker.ready-max-lag " + maxLag.toMillis() / 1000.0 + " s)"));
      }
    });
    return ready;
  }
}
