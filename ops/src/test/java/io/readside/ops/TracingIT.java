package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14 in one JVM against PostgreSQL: a command sent with a W3C traceparent is traced from its
 * HTTP span through the cart's persist, and each of the three projections' spans links to it when
 * it applies the command's event; the read API's routes have spans of their own.
 */
class TracingIT {
  private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  private static final List<String> PROJECTIONS = List.of("cart-summary", "item-popularity", "daily-sales");

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private OpenTelemetrySdk sdk;
  private ReadsideNode node;
  private static final HttpClient client = HttpClient.newHttpClient();

  private void start(String source) {
    sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    DatabaseSettings db = TestDatabase.freshDatabase(TracingIT.class);
    Migrations.migrate(db);
    node = ReadsideNode.start(TestNodes.config(ConfigFactory.parseMap(Map.of("readside.worker.source", source))), db,
        ReadsideNode.allRoles(), Optional.of(sdk));
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    if (sdk != null) {
      sdk.close();
    }
  }

  /** Both event sources: the horizon source's groups and eventsByTag's reach the group handler by different paths. */
  @ParameterizedTest
  @ValueSource(strings = {"horizon", "events-by-tag"})
  void aCommandsTraceReachesTheSpanOfEachProjectionThatAppliesItsEvent(String source) throws Exception {
    start(source);
    String cart = "traced-cart";
    // The client's own span: the command's HTTP span must become its child.
    String clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    String clientSpan = "00f067aa0ba902b7";
    HttpResponse<String> added = send(node.writeSideAddress().orElseThrow(), "POST", "/carts/" + cart + "/items",
        "{\"itemId\":\"apple\",\"quantity\":2,\"unitPriceCents\":150}", "00-" + clientTrace + "-" + clientSpan + "-01");
    assertEquals(200, added.statusCode(), added.body());

    SpanData server = await().atMost(Duration.ofSeconds(10)).until(() -> one("POST /carts/{cartId}/items"), Optional::isPresent).get();
    assertEquals(SpanKind.SERVER, server.getKind());
    assertEquals(clientTrace, server.getTraceId());
    assertEquals(clientSpan, server.getParentSpanId());
    assertEquals(200L, server.getAttributes().get(STATUS));

    SpanData persist = one("persist ShoppingCart").orElseThrow();
    assertEquals(clientTrace, persist.getTraceId());
    assertEquals(server.getSpanId(), persist.getParentSpanId(), "the persist span is the HTTP span's child");

    // Each projection applies the event in a group whose span links to the persist span.
    for (String projection : PROJECTIONS) {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertTrue(
          spans.getFinishedSpanItems().stream()
              .filter(s -> s.getName().equals("project " + projection))
              .flatMap(s -> s.getLinks().stream())
              .map(LinkData::getSpanContext)
              .anyMatch(link -> link.getTraceId().equals(clientTrace) && link.getSpanId().equals(persist.getSpanId())),
          "a span of " + projection + " linked to the command's trace; spans: " + names()));
    }

    // The read API answers in a span of its own (no GET went to the write side, so the span is the read API's).
    String readParent = "00f067aa0ba902b8";
    HttpResponse<String> read = send(node.readApiAddress().orElseThrow(), "GET", "/carts/" + cart + "?minSeqNr=1&waitMs=5000", null,
        "00-" + clientTrace + "-" + readParent + "-01");
    assertEquals(200, read.statusCode(), read.body());
    SpanData readSpan = await().atMost(Duration.ofSeconds(10)).until(() -> one("GET /carts/{cartId}"), Optional::isPresent).get();
    assertEquals(SpanKind.SERVER, readSpan.getKind());
    assertEquals(readParent, readSpan.getParentSpanId());
    assertEquals(200L, readSpan.getAttributes().get(STATUS));
  }

  private Optional<SpanData> one(String name) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst();
  }

  private List<String> names() {
    return spans.getFinishedSpanItems().stream().map(SpanData::getName).distinct().toList();
  }

  private static HttpResponse<String> send(java.net.InetSocketAddress address, String method, String path, String json, String traceParent)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + address.getHostString() + ":" + address.getPort() + path))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (traceParent != null) {
      request.header("traceparent", traceParent);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
