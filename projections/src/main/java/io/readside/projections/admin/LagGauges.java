package io.readside.projections.admin;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.readside.projections.ReadModelProjection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per projection and slice, the status query's lag, offset and paused flag as Prometheus gauges,
 * refreshed every 10 s from the database (so they are right with the instance stopped, too).
 */
final class LagGauges {
  private static final Logger log = LoggerFactory.getLogger(LagGauges.class);
  static final Duration REFRESH = Duration.ofSeconds(10);

  private final Map<String, ProjectionStatusQuery.SliceStatus> latest = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  private LagGauges(MeterRegistry registry) {
    this.registry = registry;
  }

  static void start(ActorSystem<?> system, MeterRegistry registry, ProjectionOperations db, List<ReadModelProjection> projections, int slices) {
    LagGauges gauges = new LagGauges(registry);
    List<String> names = projections.stream().map(ReadModelProjection::name).toList();
    Runnable refresh = () -> {
      try {
        db.inTransaction(c -> ProjectionStatusQuery.all(c, names, slices)).forEach(gauges::update);
      } catch (Exception e) {
        log.warn("could not refresh projection lag metrics: {}", e.getMessage());
      }
    };
    system.scheduler().scheduleAtFixedRate(Duration.ZERO, REFRESH, refresh, system.dispatchers().lookup(
        org.apache.pekko.actor.typed.DispatcherSelector.fromConfig("readside.admin.dispatcher")));
  }

  private void update(ProjectionStatusQuery.SliceStatus status) {
    String key = status.projection() + "/" + status.slice();
    if (latest.put(key, status) == null) {
      gauge(key, status, "readside.projection.lag.events", "Events of the slice not yet applied", s -> s.lagEvents());
      gauge(key, status, "readside.projection.lag.seconds", "Age of the oldest event not yet applied", s -> s.lagSeconds());
      gauge(key, status, "readside.projection.offset", "Journal ordering applied up to", s -> s.offset() == null ? 0 : s.offset());
      gauge(key, status, "readside.projection.paused", "1 when the slice is paused", s -> s.paused() ? 1 : 0);
    }
  }

  private void gauge(String key, ProjectionStatusQuery.SliceStatus first, String name, String description,
      ToDoubleFunction<ProjectionStatusQuery.SliceStatus> value) {
    Gauge.builder(name, latest, m -> value.applyAsDouble(m.get(key)))
        .description(description)
        .tags("projection", first.projection(), "slice", Integer.toString(first.slice()))
        .register(registry);
  }
}
