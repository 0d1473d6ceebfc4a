package io.readside.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TracingTest {
  private static final SpanContext COMMAND = SpanContext.create(
      "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", TraceFlags.getSampled(), TraceState.getDefault());

  @Test
  void aSpanContextTravelsAsATraceParentAndComesBackRemote() {
    String traceParent = Tracing.traceParent(Context.root().with(Span.wrap(COMMAND)));
    assertEquals("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", traceParent);
    SpanContext back = Tracing.spanContext(traceParent).orElseThrow();
    assertEquals(COMMAND.getTraceId(), back.getTraceId());
    assertEquals(COMMAND.getSpanId(), back.getSpanId());
    assertEquals(true, back.isRemote());
  }

  @Test
  void withoutASpanNothingTravelsAndNothingMalformedIsLinked() {
    assertNull(Tracing.traceParent(Context.root()));
    assertEquals(Optional.empty(), Tracing.spanContext(null));
    assertEquals(Optional.empty(), Tracing.spanContext("00-not-a-context-01"));
  }

  @Test
  void tracingOffIsTheNoOpImplementation() {
    assertEquals(false, Tracing.off().enabled());
    assertEquals(false, Tracing.off().tracer().spanBuilder("x").startSpan().isRecording());
  }
}
