package io.readside.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.readside.platform.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A JSON HTTP client for one base address, as a test's user of the APIs. */
final class HttpJson {
  record Reply(int status, JsonNode body) {}

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String authorization;

  HttpJson(InetSocketAddress address) {
    this(address, null);
  }

  /** A client that sends {@code Authorization: <authorization>} with every request. */
  HttpJson(InetSocketAddress address, String authorization) {
    this.base = "http://127.0.0.1:" + address.getPort();
    this.authorization = authorization;
  }

  /** A plain-text GET (e.g. Prometheus metrics): status and body. */
  java.util.Map.Entry<Integer, String> getText(String path) {
    try {
      HttpResponse<String> response =
          client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return java.util.Map.entry(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Reply get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  Reply post(String path, String json) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Reply put(String path, String json) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  Reply delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  /** A write as a careful client sends it: under an Idempotency-Key. */
  Reply send(String method, String path, String json, String idempotencyKey) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    return send(request.header("Idempotency-Key", idempotencyKey));
  }

  private Reply send(HttpRequest.Builder request) {
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> response =
          client.send(
              request.header("Content-Type", "application/json").timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), Json.MAPPER.readTree(response.body().isEmpty() ? "null" : response.body()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
