package io.readside.platform;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.mapRouteResultFuture;

import com.typesafe.config.Config;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.StreamSupport;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.ExtensionSetup;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Complete;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.RouteResult;

/**
 * A node's OpenTelemetry (issue 14), found by every part of the node as a Pekko extension. Off
 * unless configured ({@code readside.tracing.exporter = otlp}, or an OTLP endpoint set): then the
 * API's no-op implementation, whose spans record nothing, and nothing is started. On, the trace
 * SDK exports over OTLP/HTTP ({@link OtlpTracing}); it is flushed and closed at CoordinatedShutdown.
 * A test hands in its own OpenTelemetry with {@link #setup}.
 */
public final class Tracing implements Extension {
  public static final String SCOPE = "io.readside";
  /** How many event contexts one projection span links to at most: a group can hold thousands. */
  public static final int MAX_LINKS = 128;

  private static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  private static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  private static final String TRACEPARENT = "traceparent";

  private static final ExtensionId<Tracing> ID =
      new ExtensionId<>() {
        @Override
        public Tracing createExtension(ActorSystem<?> system) {
          return fromConfig(system);
        }
      };

  private static final Tracing OFF = new Tracing(OpenTelemetry.noop(), false);

  private final OpenTelemetry openTelemetry;
  private final Tracer tracer;
  private final boolean enabled;

  private Tracing(OpenTelemetry openTelemetry, boolean enabled) {
    this.openTelemetry = openTelemetry;
    this.tracer = openTelemetry.getTracer(SCOPE);
    this.enabled = enabled;
  }

  public static Tracing get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** Tracing that records nothing: for parts built without an actor system (tests). */
  public static Tracing off() {
    return OFF;
  }

  /** Tracing through the given OpenTelemetry, for parts built without an actor system (tests). */
  public static Tracing of(OpenTelemetry openTelemetry) {
    return new Tracing(openTelemetry, true);
  }

  /** Makes the actor system's tracing the given OpenTelemetry; the caller owns and closes it. */
  public static ExtensionSetup<Tracing> setup(OpenTelemetry openTelemetry) {
    return new ExtensionSetup<>(ID, system -> of(openTelemetry)) {};
  }

  private static Tracing fromConfig(ActorSystem<?> system) {
    Config config = system.settings().config().getConfig("readside.tracing");
    String exporter = config.getString("exporter");
    String endpoint = config.getString("otlp-endpoint");
    boolean on = switch (exporter) {
      case "otlp" -> true;
      case "none" -> !endpoint.isBlank();
      default -> throw new IllegalArgumentException(
          "readside.tracing.exporter (READSIDE_TRACING) must be none or otlp, not '" + exporter + "'");
    };
    if (!on) {
      return OFF;
    }
    OtlpTracing sdk = OtlpTracing.start(OtlpTracing.Settings.fromConfig(config));
    CoordinatedShutdown.get(system).addTask(
        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-tracing", () -> {
          sdk.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    return new Tracing(sdk, true);
  }

  public Tracer tracer() {
    return tracer;
  }

  /** False when tracing is off: callers skip work that only feeds spans (parsing event contexts). */
  public boolean enabled() {
    return enabled;
  }

  /**
   * A SERVER span around an HTTP route, child of the request's propagated context (a W3C
   * {@code traceparent} header) when there is one; {@code inner} gets the span's context for its
   * own child spans. The span ends with the response; an exception of the route is answered here
   * (the JSON error shape) so the span sees the status the client gets.
   */
  public Route serverSpan(String method, String route, Function<Context, Route> inner) {
    if (!enabled) {
      return inner.apply(Context.root());
    }
    return extractRequest(request -> {
      Context parent = openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), request, HEADERS);
      Span span = tracer.spanBuilder(method + " " + route)
          .setParent(parent)
          .setSpanKind(SpanKind.SERVER)
          .setAttribute(HTTP_METHOD, method)
          .setAttribute(HTTP_ROUTE, route)
          .startSpan();
      Context context = parent.with(span);
      return mapRouteResultFuture(
          result -> result.whenComplete((r, failure) -> end(span, r, failure)),
          () -> HttpErrors.withJsonExceptions(() -> inner.apply(context)));
    });
  }

  private static void end(Span span, RouteResult result, Throwable failure) {
    if (failure != null) {
      span.recordException(failure);
      span.setStatus(StatusCode.ERROR);
    } else if (result instanceof Complete complete) {
      int status = complete.getResponse().status().intValue();
      span.setAttribute(HTTP_STATUS, (long) status);
      if (status >= 500) {
        span.setStatus(StatusCode.ERROR);
      }
    }
    span.end();
  }

  /**
   * The span context of {@code context} as a W3C traceparent string, to travel with a command and
   * its event; null when there is no valid span (tracing off), so an untraced event carries nothing.
   */
  public static String traceParent(Context context) {
    if (!Span.fromContext(context).getSpanContext().isValid()) {
      return null;
    }
    Map<String, String> carrier = new HashMap<>(2);
    W3CTraceContextPropagator.getInstance().inject(context, carrier, Map::put);
    return carrier.get(TRACEPARENT);
  }

  /** The span context a traceparent string names (remote), if it is a valid one. */
  public static Optional<SpanContext> spanContext(String traceParent) {
    if (traceParent == null) {
      return Optional.empty();
    }
    Context extracted = W3CTraceContextPropagator.getInstance()
        .extract(Context.root(), Map.of(TRACEPARENT, traceParent), MAP);
    SpanContext spanContext = Span.fromContext(extracted).getSpanContext();
    return spanContext.isValid() ? Optional.of(spanContext) : Optional.empty();
  }

  private static final TextMapGetter<Map<String, String>> MAP =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private static final TextMapGetter<HttpRequest> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpRequest request) {
          return StreamSupport.stream(request.getHeaders().spliterator(), false).map(HttpHeader::lowercaseName).toList();
        }

        @Override
        public String get(HttpRequest request, String key) {
          return request == null ? null : request.getHeader(key).map(HttpHeader::value).orElse(null);
        }
      };
}
