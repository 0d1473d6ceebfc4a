package io.readside.ops;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A scenario's commands sent in the background, five at a time with a short pause, until stopped. */
final class BackgroundLoad implements AutoCloseable {
  private final AtomicBoolean writing = new AtomicBoolean(true);
  private final CompletableFuture<Void> done;

  private BackgroundLoad(CartScenario scenario) {
    done = CompletableFuture.runAsync(() -> {
      while (writing.get()) {
        scenario.run(5);
        NodeProcess.pace(10); // a steady load, not a flood
      }
    });
  }

  static BackgroundLoad start(CartScenario scenario) {
    return new BackgroundLoad(scenario);
  }

  /** Stops sending and waits for the command in flight; fails if the scenario failed. */
  @Override
  public void close() {
    writing.set(false);
    done.join();
  }
}
