package io.readside.projections;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.readside.platform.Tracing;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One span per group a projection applies ({@code project <projection>}), linked to the span
 * context each event carries from its command (issue 14). A group is one transaction and may hold
 * thousands of events, so one span with at most {@link Tracing#MAX_LINKS} links, not one per event.
 */
final class ProjectionSpans {
  private static final AttributeKey<String> PROJECTION = AttributeKey.stringKey("readside.projection");
  private static final AttributeKey<Long> SLICE = AttributeKey.longKey("readside.slice");
  private static final AttributeKey<Long> EVENTS = AttributeKey.longKey("readside.events");

  private final Tracing tracing;
  private final String projection;
  private final long slice;

  ProjectionSpans(Tracing tracing, String projection, int slice) {
    this.tracing = tracing;
    this.projection = projection;
    this.slice = slice;
  }

  Span start(List<SequencedEvent> events) {
    SpanBuilder builder = tracing.tracer().spanBuilder("project " + projection)
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute(PROJECTION, projection)
        .setAttribute(SLICE, slice)
        .setAttribute(EVENTS, (long) events.size());
    if (tracing.enabled()) {
      // With tracing off the contexts are not even parsed.
      links(events).forEach(builder::addLink);
    }
    return builder.startSpan();
  }

  /** The distinct command contexts of the group, in order, at most MAX_LINKS. */
  static Set<SpanContext> links(List<SequencedEvent> events) {
    Set<SpanContext> links = new LinkedHashSet<>();
    for (SequencedEvent e : events) {
      if (links.size() == Tracing.MAX_LINKS) {
        break;
      }
      Optional<SpanContext> context = Tracing.spanContext(e.event().traceParent());
      context.ifPresent(links::add);
    }
    return links;
  }

  static void failed(Span span, Exception failure) {
    span.recordException(failure);
    span.setStatus(StatusCode.ERROR);
  }
}
