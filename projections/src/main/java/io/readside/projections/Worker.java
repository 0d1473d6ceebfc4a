package io.readside.projections;

import com.typesafe.config.Config;
import io.readside.events.CartEvent;
import io.readside.events.CartTags;
import io.readside.platform.NodeMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
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

  public record Settings(int slices, int poolSize, int groupSize, Duration groupWithin) {
    public static Settings fromConfig(Config config) {
      Config w = config.getConfig("readside.worker");
      return new Settings(
          config.getInt("readside.slices"), w.getInt("pool-size"), w.getInt("group-size"), w.getDuration("group-within"));
    }
  }

  private Worker() {}

  public static void start(
      ActorSystem<?> system, Settings settings, DataSource pool, List<ReadModelProjection> projections) {
    SliceStatusRecorder recorder =
        new SliceStatusRecorder(system, pool, Cluster.get(system).selfMember().address().toString());
    for (ReadModelProjection projection : projections) {
      ShardedDaemonProcess.get(system)
          .init(
              ProjectionBehavior.Command.class,
              projection.name(),
              settings.slices(),
              slice ->
                  recorder.tracked(
                      projectionId(projection, slice),
                      ProjectionBehavior.create(
                          instance(system, settings, pool, projection, slice).withStatusObserver(recorder.observer()))),
              ShardedDaemonProcessSettings.create(system).withRole(ROLE),
              Optional.of(ProjectionBehavior.stopMessage()));
    }
  }

  public static ProjectionId projectionId(ReadModelProjection projection, int slice) {
    return ProjectionId.of(projection.name(), CartTags.tagForSlice(slice));
  }

  static GroupedProjection<Offset, EventEnvelope<CartEvent>> instance(
      ActorSystem<?> system, Settings settings, DataSource pool, ReadModelProjection projection, int slice) {
    SourceProvider<Offset, EventEnvelope<CartEvent>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), CartTags.tagForSlice(slice));
    return JdbcProjection.groupedWithin(
            projectionId(projection, slice),
            source,
            () -> new PooledJdbcSession(pool),
            () ->
                new GroupHandler(
                    projection,
                    slice,
                    FailurePolicy.forProjection(system.settings().config(), projection.name()),
                    NodeMetrics.get(system).registry()),
            system)
        .withGroup(settings.groupSize(), settings.groupWithin());
  }
}
