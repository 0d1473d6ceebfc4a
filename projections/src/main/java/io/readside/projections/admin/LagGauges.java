package io.readside.projections.admin;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.readside.projections.admin.ProjectionStatusQuery.SliceLag;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per projection and slice, the lag, offset and paused flag as Prometheus gauges, refreshed every
 * 10 s from the node's shared lag status (so they are right with the instance stopped, too).
 */
final class LagGauges {
  private static final Logger log = LoggerFactory.getLogger(LagGauges.class);
  static final Duration REFRESH = Duration.ofSeconds(10);

  private final Map<String, SliceLag> latest = new ConcurrentHashMap<>();
  private volatile double horizonHeldSeconds;
  private final MeterRegistry registry;

  private LagGauges(MeterRegistry registry) {
    this.registry = registry;
  }

  static void start(ActorSystem<?> system, MeterRegistry registry) {
    LagGauges gauges = new LagGauges(registry);
    SliceLagCache lags = SliceLagCache.get(system);
    Gauge.builder("readside.horizon.held.seconds", gauges, g -> g.horizonHeldSeconds)
        .description("How long the oldest running transaction (with an id) has held the horizon source back; 0 when none")
        .register(registry);
    Runnable refresh = () -> {
      lags.current().whenComplete((all, e) -> {
        if (e != null) {
          log.warn("could not refresh projection lag metrics: {}", e.getMessage());
        } else {
          all.forEach(gauges::update);
        }
      });
      lags.horizonHold().whenComplete((hold, e) -> {
        if (e == null) {
          gauges.horizonHeldSeconds = hold.heldSeconds();
        }
      });
    };
    system.scheduler().scheduleAtFixedRate(Duration.ZERO, REFRESH, refresh,
        system.dispatchers().lookup(DispatcherSelector.fromConfig("readside.admin.dispatcher")));
  }

  private void update(SliceLag status) {
    String key = status.projection() + "/" + status.slice();
    if (latest.put(key, status) == null) {
      gauge(key, status, "readside.projection.lag.events", "Events of the slice not yet applied (counted up to 10,000)", s -> s.lagEvents());
      gauge(key, status, "readside.projection.lag.seconds", "Age of the oldest event not yet applied", s -> s.lagSeconds());
      gauge(key, status, "readside.projection.offset", "Journal ordering applied up to", s -> s.offset() == null ? 0 : s.offset());
      gauge(key, status, "readside.projection.paused", "1 when the slice is paused", s -> s.paused() ? 1 : 0);
    }
  }

  private void gauge(String key, SliceLag first, String name, String description, ToDoubleFunction<SliceLag> value) {
    Gauge.builder(name, latest, m -> value.applyAsDouble(m.get(key)))
        .description(description)
        .tags("projection", first.projection(), "slice", Integer.toString(first.slice()))
        .register(registry);
  }
}
