package io.readside.projections;

import com.typesafe.config.Config;
import io.readside.events.CartEvent;
import io.readside.events.CartTags;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.NodeMetrics;
import io.readside.platform.Tracing;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.ExactlyOnceProjection;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Runs every projection on the cluster's projection-role nodes: one instance per (projection,
 * slice), spread and moved by ShardedDaemonProcess. Each instance is a grouped exactly-once
 * JdbcProjection: a group's rows and its offset commit in one transaction.
 */
public final class Worker {
  public static final String ROLE = "projection";
  static final String BLOCKING_JDBC_DISPATCHER = "pekko.projection.jdbc.blocking-jdbc-dispatcher";

  /** Where an instance reads its slice's events from (readside.worker.source). */
  public enum Source {
    /** pekko-persistence-jdbc's eventsByTag: journal orderings, an ordering hole waited out, then skipped. */
    EVENTS_BY_TAG("events-by-tag"),
    /** {@link HorizonSourceProvider}: (tx_id, ordering) below the oldest running transaction; nothing skipped. */
    HORIZON("horizon");

    public final String configName;

    Source(String configName) {
      this.configName = configName;
    }

    public static Source fromConfig(Config config) {
      String name = config.getString("readside.worker.source").trim();
      for (Source s : values()) {
        if (s.configName.equals(name)) {
          return s;
        }
      }
      throw new IllegalArgumentException("readside.worker.source must be events-by-tag or horizon, not " + name);
    }
  }

  public record Settings(
      int slices, int poolSize, int groupSize, Duration groupWithin, Duration idleInTransactionTimeout,
      Source source, HorizonSourceProvider.Settings horizon, boolean push, Duration watchCheckInterval) {
    public static Settings fromConfig(Config config) {
      Config w = config.getConfig("readside.worker");
      return new Settings(
          config.getInt("readside.slices"),
          w.getInt("pool-size"),
          w.getInt("group-size"),
          w.getDuration("group-within"),
          w.getDuration("idle-in-transaction-timeout"),
          Source.fromConfig(config),
          new HorizonSourceProvider.Settings(
              w.getDuration("horizon.poll-interval"), w.getInt("horizon.batch-size"), w.getDuration("horizon.idle-poll-interval"),
              w.getDuration("horizon.min-poll-interval")),
          w.getBoolean("horizon.push"),
          w.getDuration("horizon.watch-check-interval"));
    }
  }

  private Worker() {}

  /**
   * {@code db} is for the horizon source's {@link JournalWatch}, which needs a connection of its
   * own outside the pool (it LISTENs); with events-by-tag, or push off, none is opened.
   */
  public static void start(
      ActorSystem<?> system, Settings settings, DataSource pool, DatabaseSettings db, List<ReadModelProjection> projections) {
    String node = Cluster.get(system).selfMember().address().toString();
    SliceStatusRecorder recorder = new SliceStatusRecorder(system, pool, node);
    Optional<JournalWatch> watch = settings.source() == Source.HORIZON && settings.push()
        ? Optional.of(JournalWatch.start(db, settings.watchCheckInterval()))
        : Optional.empty();
    SliceReads reads = new SliceReads();
    watch.ifPresent(w -> CoordinatedShutdown.get(system).addTask(
        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-journal-watch", () -> {
          w.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        }));
    for (ReadModelProjection projection : projections) {
      ShardedDaemonProcess.get(system)
          .init(
              ProjectionBehavior.Command.class,
              projection.name(),
              settings.slices(),
              slice -> {
                SliceFence fence = new SliceFence(projectionId(projection, slice), node);
                return recorder.tracked(
                    fence.id(),
                    stoppedWhenFenced(
                        fence,
                        ProjectionBehavior.create(instance(system, settings, pool, projection, slice, fence, recorder, watch, reads))));
              },
              ShardedDaemonProcessSettings.create(system).withRole(ROLE),
              Optional.of(ProjectionBehavior.stopMessage()));
    }
  }

  /** An instance that stops itself once another instance or an operation has taken its slice's epoch. */
  static Behavior<ProjectionBehavior.Command> stoppedWhenFenced(SliceFence fence, Behavior<ProjectionBehavior.Command> instance) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<ProjectionBehavior.Command> self = ctx.getSelf();
          fence.whenFenced(() -> self.tell(ProjectionBehavior.stopMessage()));
          return instance;
        });
  }

  public static ProjectionId projectionId(ReadModelProjection projection, int slice) {
    return ProjectionId.of(projection.name(), CartTags.tagForSlice(slice));
  }

  static org.apache.pekko.projection.Projection<?> instance(
      ActorSystem<?> system, Settings settings, DataSource pool, ReadModelProjection projection, int slice, SliceFence fence,
      SliceStatusRecorder recorder, Optional<JournalWatch> watch, SliceReads reads) {
    return switch (settings.source()) {
      case EVENTS_BY_TAG -> eventsByTagInstance(system, settings, pool, projection, slice, fence).withStatusObserver(recorder.observer());
      case HORIZON -> horizonInstance(system, settings, pool, projection, slice, fence, watch, reads).withStatusObserver(recorder.observer());
    };
  }

  private static GroupHandler groupHandler(ActorSystem<?> system, ReadModelProjection projection, int slice, SliceFence fence) {
    return new GroupHandler(
        projection,
        slice,
        FailurePolicy.forProjection(system.settings().config(), projection.name()),
        fence,
        NodeMetrics.get(system).registry(),
        Tracing.get(system));
  }

  /**
   * The horizon source emits a page (up to horizon.batch-size rows) as one envelope, and each page
   * is one transaction with its offset: exactly-once per page. Grouping its rows again would only
   * add groupedWithin's timer, which Pekko's scheduler rounds up to its 10 ms tick: a woken live
   * tail paid 10-20 ms for a group that was already complete (issue 13's lag).
   */
  static ExactlyOnceProjection<String, List<HorizonEnvelope>> horizonInstance(
      ActorSystem<?> system, Settings settings, DataSource pool, ReadModelProjection projection, int slice, SliceFence fence,
      Optional<JournalWatch> watch, SliceReads reads) {
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig(BLOCKING_JDBC_DISPATCHER));
    SourceProvider<String, List<HorizonEnvelope>> source =
        new FencedSourceProvider<>(
            new HorizonSourceProvider(system, CartTags.tagForSlice(slice), pool, blocking, settings.horizon(), watch, reads),
            fence,
            pool,
            blocking);
    return JdbcProjection.exactlyOnce(
        fence.id(),
        source,
        () -> new PooledJdbcSession(pool, settings.idleInTransactionTimeout()),
        () -> new HorizonGroupHandler(groupHandler(system, projection, slice, fence)),
        system);
  }

  static GroupedProjection<Offset, EventEnvelope<CartEvent>> eventsByTagInstance(
      ActorSystem<?> system, Settings settings, DataSource pool, ReadModelProjection projection, int slice, SliceFence fence) {
    ProjectionId id = fence.id();
    SourceProvider<Offset, EventEnvelope<CartEvent>> source =
        new FencedSourceProvider<>(
            EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), CartTags.tagForSlice(slice)),
            fence,
            pool,
            system.dispatchers().lookup(DispatcherSelector.fromConfig(BLOCKING_JDBC_DISPATCHER)));
    return JdbcProjection.groupedWithin(
            id,
            source,
            () -> new PooledJdbcSession(pool, settings.idleInTransactionTimeout()),
            () -> groupHandler(system, projection, slice, fence),
            system)
        .withGroup(settings.groupSize(), settings.groupWithin());
  }
}
