package io.readside.platform;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Readiness: the node's database answers, on a connection of the node's {@link HealthPool}.
 * Instantiated by pekko-management from config.
 */
public final class DatabaseReadinessCheck implements Supplier<CompletionStage<Boolean>> {
  private final HealthPool health;
  private final Executor blocking;

  public DatabaseReadinessCheck(ActorSystem system) {
    this.health = HealthPool.get(Adapter.toTyped(system));
    this.blocking = system.dispatchers().lookup("pekko.actor.default-blocking-io-dispatcher");
  }

  @Override
  public CompletionStage<Boolean> get() {
    // Completed directly (not by supplyAsync, which wraps) so the reason reaches the 503 as it is.
    CompletableFuture<Boolean> answers = new CompletableFuture<>();
    blocking.execute(() -> {
      try (Connection c = health.pool().getConnection()) {
        if (c.isValid(2)) {
          answers.complete(true);
        } else {
          answers.completeExceptionally(new IllegalStateException("the database did not answer within 2 s"));
        }
      } catch (SQLException e) {
        answers.completeExceptionally(new IllegalStateException("the database did not answer: " + e.getMessage(), e));
      }
    });
    return answers;
  }
}
