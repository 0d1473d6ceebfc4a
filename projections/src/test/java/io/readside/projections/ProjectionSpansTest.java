package io.readside.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.readside.events.CartEvent;
import io.readside.platform.Tracing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ProjectionSpansTest {
  private static final Instant AT = Instant.parse("2026-11-30T12:00:00Z");

  private static SequencedEvent traced(long seqNr, String traceParent) {
    return new SequencedEvent(seqNr, new CartEvent.ItemAdded("cart-1", "sku", 1, 10, AT, null, traceParent));
  }

  private static String traceParent(int i) {
    return "00-%032x-%016x-01".formatted(i + 1, i + 1);
  }

  @Test
  void aGroupsSpanLinksToEachDistinctCommandContextAtMostMaxLinks() {
    List<SequencedEvent> events = new ArrayList<>();
    events.add(traced(1, traceParent(0)));
    events.add(traced(2, traceParent(0)));
    events.add(traced(3, null));
    events.add(traced(4, "not a traceparent"));
    IntStream.range(1, 300).forEach(i -> events.add(traced(10 + i, traceParent(i))));

    List<SpanContext> links = List.copyOf(ProjectionSpans.links(events));

    assertEquals(Tracing.MAX_LINKS, links.size());
    assertEquals("%032x".formatted(1), links.get(0).getTraceId());
    assertEquals("%032x".formatted(2), links.get(1).getTraceId(), "the repeated and the untraced events add no link");
  }

  @Test
  void theSpanNamesTheProjectionAndCarriesTheLinks() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .build()) {
      ProjectionSpans spans = new ProjectionSpans(Tracing.of(sdk), "daily-sales", 3);
      spans.start(List.of(traced(1, traceParent(0)), traced(2, traceParent(1)))).end();

      SpanData span = exporter.getFinishedSpanItems().get(0);
      assertEquals("project daily-sales", span.getName());
      assertEquals(List.of("%032x".formatted(1), "%032x".formatted(2)),
          span.getLinks().stream().map(LinkData::getSpanContext).map(SpanContext::getTraceId).toList());
    }
  }

  @Test
  void withTracingOffNothingIsRecorded() {
    var span = new ProjectionSpans(Tracing.off(), "daily-sales", 3).start(List.of(traced(1, traceParent(0))));
    assertEquals(false, span.isRecording());
    assertEquals(false, span.getSpanContext().isValid());
  }
}
