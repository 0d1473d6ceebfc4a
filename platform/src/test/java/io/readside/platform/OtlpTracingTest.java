package io.readside.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class OtlpTracingTest {
  record Received(String path, String contentType, String authorization, int bytes) {}

  @Test
  void byDefaultTracingIsOffAndWouldExportToTheLocalCollector() {
    var tracing = ConfigFactory.load().getConfig("readside.tracing");
    assertEquals("none", tracing.getString("exporter"));
    assertEquals("http://localhost:4318/v1/traces", OtlpTracing.Settings.fromConfig(tracing).tracesUrl());
  }

  @Test
  void spansAreExportedOverOtlpHttpWithTheConfiguredHeaders() throws Exception {
    List<Received> received = new CopyOnWriteArrayList<>();
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext("/", exchange -> {
      received.add(new Received(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Content-Type"),
          exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestBody().readAllBytes().length));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    collector.start();
    try {
      String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort() + "/";
      try (OtlpTracing sdk = OtlpTracing.start(new OtlpTracing.Settings(endpoint, "Authorization=Bearer%20t0ken", "readside-test", 1.0))) {
        sdk.getTracer("test").spanBuilder("GET /carts/{cartId}").startSpan().end();
      }
      assertEquals(1, received.size(), received.toString());
      Received request = received.get(0);
      assertEquals("/v1/traces", request.path());
      assertEquals("application/x-protobuf", request.contentType());
      assertEquals("Bearer t0ken", request.authorization());
    } finally {
      collector.stop(0);
    }
  }
}
