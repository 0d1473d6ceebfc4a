package io.readside.platform;

import com.typesafe.config.Config;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trace SDK with a batching OTLP/HTTP span exporter, spans only. Built by hand rather than by
 * OpenTelemetry's autoconfiguration, which also brings the metrics and logs SDKs into the jar; it
 * reads the same standard variables for what a deployment sets (readside.tracing in
 * reference.conf): endpoint, headers, service name, sampling ratio.
 */
public record OtlpTracing(SdkTracerProvider tracerProvider) implements OpenTelemetry, AutoCloseable {
  private static final ContextPropagators W3C = ContextPropagators.create(W3CTraceContextPropagator.getInstance());

  /** {@code headers}: {@code key=value,key=value} with URL-encoded values, as OTEL_EXPORTER_OTLP_HEADERS. */
  public record Settings(String endpoint, String headers, String serviceName, double sampleRatio) {
    public static Settings fromConfig(Config tracing) {
      String endpoint = tracing.getString("otlp-endpoint").strip();
      return new Settings(
          endpoint.isEmpty() ? "http://localhost:4318" : endpoint,
          tracing.getString("otlp-headers"),
          tracing.getString("service-name"),
          tracing.getDouble("sample-ratio"));
    }

    /** Spans go to {@code <endpoint>/v1/traces}, as OTEL_EXPORTER_OTLP_ENDPOINT means for OTLP/HTTP. */
    String tracesUrl() {
      return endpoint.replaceAll("/+$", "") + "/v1/traces";
    }

    Map<String, String> headerMap() {
      Map<String, String> map = new LinkedHashMap<>();
      for (String pair : headers.split(",")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          map.put(pair.substring(0, eq).strip(), URLDecoder.decode(pair.substring(eq + 1).strip(), StandardCharsets.UTF_8));
        }
      }
      return map;
    }
  }

  public static OtlpTracing start(Settings settings) {
    OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder().setEndpoint(settings.tracesUrl());
    settings.headerMap().forEach(exporter::addHeader);
    Resource resource = Resource.getDefault()
        .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), settings.serviceName())));
    return new OtlpTracing(SdkTracerProvider.builder()
        .setResource(resource)
        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRatio())))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter.build()).build())
        .build());
  }

  @Override
  public TracerProvider getTracerProvider() {
    return tracerProvider;
  }

  @Override
  public ContextPropagators getPropagators() {
    return W3C;
  }

  /** Exports what is still buffered, then stops. */
  @Override
  public void close() {
    tracerProvider.close();
  }
}
