package io.readside.projections;

import io.readside.events.CartEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.projection.HandlerRecoveryStrategy;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.StatusObserver;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records in readside_projection_slice (through {@link SliceStatusTable}) where each instance runs (from the moment its actor starts
 * until it stops, paused or not), a heartbeat while it does, and its last error, so the admin
 * status is computed from the database and stays right when an instance or a whole worker is
 * gone. Writes happen in order on one thread, off the streams.
 *
 * <p>It stops at CoordinatedShutdown's cluster-shutdown phase: after sharding has stopped the
 * instances (their stops recorded), before the pools close (before-actor-system-terminate), so a
 * node that stops does not try to write through a closed pool.
 */
public final class SliceStatusRecorder {
  private static final Logger log = LoggerFactory.getLogger(SliceStatusRecorder.class);
  static final Duration HEARTBEAT = Duration.ofSeconds(5);

  private final DataSource pool;
  private final String node;
  private final Set<ProjectionId> running = ConcurrentHashMap.newKeySet();
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "readside-slice-status");
        t.setDaemon(true);
        return t;
      });

  private final ActorRef<Watch> watcher;
  private volatile boolean closed;

  public SliceStatusRecorder(ActorSystem<?> system, DataSource pool, String node) {
    this.pool = pool;
    this.node = node;
    this.watcher = system.systemActorOf(watcher(), "readside-instance-watcher", Props.empty());
    system.scheduler().scheduleAtFixedRate(HEARTBEAT, HEARTBEAT, this::heartbeat, system.executionContext());
    OnNode.ID.apply(system).recorder = this;
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseClusterShutdown(), "readside-slice-status", this::close);
  }

  /**
   * Records every instance still marked as running on this node as stopped, after the writes
   * already queued, and takes no more: later ones (an instance the actor system stops last) are
   * dropped, since the pool is about to close.
   */
  CompletionStage<Done> close() {
    CompletableFuture<Done> done = new CompletableFuture<>();
    closed = true;
    writer.execute(() -> {
      try (Connection c = pool.getConnection()) {
        SliceStatusTable.nodeStopped(c, node);
      } catch (SQLException e) {
        log.warn("could not record this node's instances as stopped: {}", e.getMessage());
      } finally {
        done.complete(Done.getInstance());
      }
    });
    writer.shutdown();
    return done;
  }

  /** The (projection, slice) instances running on this node now, paused or not (read-only). */
  public Set<ProjectionId> runningHere() {
    return Set.copyOf(running);
  }

  /** This node's recorder, once its worker has started (for its readiness check). */
  public static Optional<SliceStatusRecorder> onNode(ActorSystem<?> system) {
    return Optional.ofNullable(OnNode.ID.apply(system).recorder);
  }

  private static final class OnNode implements Extension {
    static final ExtensionId<OnNode> ID = new ExtensionId<>() {
      @Override
      public OnNode createExtension(ActorSystem<?> system) {
        return new OnNode();
      }
    };

    volatile SliceStatusRecorder recorder;
  }

  /** Wraps an instance's behavior so the node records it from start to stop (paused or not). */
  public <T> Behavior<T> tracked(ProjectionId id, Behavior<T> instance) {
    return Behaviors.setup(
        ctx -> {
          running.add(id);
          onWriter("status of " + id, c -> SliceStatusTable.started(c, id, node));
          watcher.tell(new Watch(id, ctx.getSelf()));
          return instance;
        });
  }

  private record Watch(ProjectionId id, ActorRef<?> instance) {}

  private record Stopped(ProjectionId id) {}

  /** Watches instances; when one stops (node leaving, rebalance), its slice shows no node. */
  private Behavior<Watch> watcher() {
    return Behaviors.<Object>setup(
            ctx ->
                Behaviors.receive(Object.class)
                    .onMessage(Watch.class, w -> {
                      ctx.watchWith(w.instance(), new Stopped(w.id()));
                      return Behaviors.same();
                    })
                    .onMessage(Stopped.class, st -> {
                      running.remove(st.id());
                      onWriter("status of " + st.id(), c -> SliceStatusTable.stopped(c, st.id()));
                      return Behaviors.same();
                    })
                    .build())
        .narrow();
  }

  /** Errors of the handler and of the stream, for the status. */
  public <E> StatusObserver<E> observer() {
    return new StatusObserver<>() {
      @Override
      public void started(ProjectionId id) {}

      @Override
      public void failed(ProjectionId id, Throwable cause) {
        recordError(id, cause);
      }

      @Override
      public void stopped(ProjectionId id) {}

      @Override
      public void beforeProcess(ProjectionId id, E envelope) {}

      @Override
      public void afterProcess(ProjectionId id, E envelope) {}

      @Override
      public void offsetProgress(ProjectionId id, E envelope) {}

      @Override
      public void error(ProjectionId id, E envelope, Throwable cause, HandlerRecoveryStrategy strategy) {
        recordError(id, cause);
      }
    };
  }

  /**
   * One statement for all of this node's instances: the heartbeat runs every 5 s on the pool the
   * projections use, so it takes one connection, not one per instance. Rows exist from start-up.
   */
  private void heartbeat() {
    List<ProjectionId> ids = List.copyOf(running);
    if (ids.isEmpty()) {
      return;
    }
    onWriter("heartbeat", c -> SliceStatusTable.heartbeat(c, node, ids));
  }

  private void recordError(ProjectionId id, Throwable cause) {
    String error = GroupHandler.describe(cause);
    onWriter("status of " + id, c -> SliceStatusTable.failed(c, id, error));
  }

  @FunctionalInterface
  private interface SqlAction {
    void run(Connection c) throws SQLException;
  }

  /** Runs on the single writer thread, in order; a failure is logged, never thrown into a stream. */
  private void onWriter(String what, SqlAction action) {
    if (closed) {
      log.debug("not recording {}: the node is stopping", what);
      return;
    }
    try {
      writer.execute(
          () -> {
            try (Connection c = pool.getConnection()) {
              action.run(c);
            } catch (SQLException e) {
              log.warn("could not record {}: {}", what, e.getMessage());
            }
          });
    } catch (RejectedExecutionException stopping) {
      log.debug("not recording {}: the node is stopping", what);
    }
  }
}
