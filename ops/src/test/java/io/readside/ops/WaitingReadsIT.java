package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.readside.platform.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Fault scenario 7, on separate JVMs: 500 reads wait at once for sequence numbers the projection
 * has not applied. Other clients' reads must stay fast, waiters beyond the read API's cap are told
 * to come back (503 too_many_waiting with Retry-After), and a waiter whose event gets applied is
 * answered with the cart.
 */
class WaitingReadsIT {
  private static final int WAITERS = 500;
  private static final int CAP = 200; // readside.read-api.max-waiting's default
  private static final int APPLIED_WAITERS = 20;
  private static final int CARTS = 100;

  record Answer(int status, String error, String retryAfter, JsonNode body) {}

  @Test
  void manyWaitingReadsAreCappedAndDoNotSlowOtherReads() throws Exception {
    try (ProcessCluster cluster = ProcessCluster.start(WaitingReadsIT.class, 1)) {
      HttpJson write = cluster.write();
      long[] seqNr = new long[CARTS];
      for (int i = 0; i < CARTS; i++) {
        JsonNode reply = write.post("/carts/wait-" + i + "/items", "{\"itemId\":\"item-" + (i % 7) + "\",\"quantity\":2,\"unitPriceCents\":150}").body();
        seqNr[i] = reply.get("seqNr").asLong();
        if (i >= APPLIED_WAITERS && i % 3 == 0) {
          seqNr[i] = write.post("/carts/wait-" + i + "/checkout", "").body().get("seqNr").asLong();
        }
      }
      for (int i = 0; i < CARTS; i++) {
        assertEquals(200, cluster.read().get("/carts/wait-" + i + "?minSeqNr=" + seqNr[i] + "&waitMs=10000").status());
      }

      String base = "http://127.0.0.1:" + cluster.readApi.address().getPort();
      ExecutorService clientThreads = Executors.newFixedThreadPool(4);
      HttpClient waiting = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads)
          .connectTimeout(Duration.ofSeconds(10)).build();
      try {
        // First the waiters whose events will be written, so they are among the admitted ones.
        List<CompletableFuture<Answer>> applied = new ArrayList<>();
        for (int i = 0; i < APPLIED_WAITERS; i++) {
          applied.add(get(waiting, base + "/carts/wait-" + i + "?minSeqNr=" + (seqNr[i] + 1) + "&waitMs=10000"));
        }
        HttpJson read = cluster.read();
        await("the first waiters admitted").atMost(Duration.ofSeconds(10)).until(() -> waitingReads(read) >= APPLIED_WAITERS);

        AtomicBoolean measuring = new AtomicBoolean(true);
        CompletableFuture<List<Long>> others = CompletableFuture.supplyAsync(() -> measureOtherReads(base, measuring));
        AtomicInteger refusedSoFar = new AtomicInteger();
        List<CompletableFuture<Answer>> far = new ArrayList<>();
        for (int i = 0; i < WAITERS - APPLIED_WAITERS; i++) {
          int cart = APPLIED_WAITERS + i % (CARTS - APPLIED_WAITERS);
          CompletableFuture<Answer> answer = get(waiting, base + "/carts/wait-" + cart + "?minSeqNr=" + (seqNr[cart] + 1_000) + "&waitMs=5000");
          answer.thenAccept(a -> {
            if ("too_many_waiting".equals(a.error())) {
              refusedSoFar.incrementAndGet();
            }
          });
          far.add(answer);
        }
        // Once every waiter beyond the cap has its answer, write the awaited events.
        await("every waiter beyond the cap refused").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
            .until(() -> refusedSoFar.get() >= WAITERS - CAP);
        for (int i = 0; i < APPLIED_WAITERS; i++) {
          assertEquals(200, write.put("/carts/wait-" + i + "/items/item-" + (i % 7), "{\"quantity\":3}").status());
        }
        CompletableFuture.allOf(far.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        measuring.set(false);
        List<Long> latencies = new ArrayList<>(others.get(60, TimeUnit.SECONDS));

        List<Answer> farAnswers = far.stream().map(CompletableFuture::join).toList();
        List<Answer> tooMany = farAnswers.stream().filter(a -> "too_many_waiting".equals(a.error())).toList();
        long notYet = farAnswers.stream().filter(a -> "not_yet_projected".equals(a.error())).count();
        Collections.sort(latencies);
        long p50 = percentile(latencies, 50);
        long p99 = percentile(latencies, 99);
        long max = latencies.get(latencies.size() - 1);
        System.out.printf(
            "WaitingReadsIT: %d waiting reads (cap %d): %d refused 503 too_many_waiting, %d answered 503 not_yet_projected;"
                + " other reads while they waited: %d, p50 %d ms, p99 %d ms, max %d ms%n",
            WAITERS, CAP, tooMany.size(), notYet, latencies.size(), p50, p99, max);

        for (int i = 0; i < APPLIED_WAITERS; i++) {
          Answer answer = applied.get(i).get(30, TimeUnit.SECONDS);
          assertEquals(200, answer.status(), answer.toString());
          assertEquals(seqNr[i] + 1, answer.body().get("seqNr").asLong(), answer.toString());
        }
        assertTrue(p99 < 100, "p99 of other reads while " + WAITERS + " reads wait: " + p99 + " ms");
        assertEquals(WAITERS - CAP, tooMany.size(), "waiters beyond the cap are refused at once");
        for (Answer a : tooMany) {
          assertEquals(503, a.status());
          assertTrue(a.retryAfter() != null && a.retryAfter().matches("[1-9][0-9]*"), "Retry-After: " + a.retryAfter());
        }
        assertEquals(CAP - APPLIED_WAITERS, notYet, "admitted waiters time out with today's 503");
      } finally {
        clientThreads.shutdownNow();
      }
    }
  }

  private static CompletableFuture<Answer> get(HttpClient client, String uri) {
    return client.sendAsync(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> {
          try {
            JsonNode body = Json.MAPPER.readTree(r.body());
            return new Answer(r.statusCode(), body.has("error") ? body.get("error").asText() : null,
                r.headers().firstValue("Retry-After").orElse(null), body);
          } catch (Exception e) {
            throw new IllegalStateException(r.statusCode() + " " + r.body(), e);
          }
        });
  }

  /** One client reading other routes in turn, as fast as answers come, until told to stop: latencies in ms. */
  /** The read API's gauge of reads waiting for the projection. */
  private static double waitingReads(HttpJson read) {
    return read.getText("/metrics").getValue().lines()
        .filter(l -> l.startsWith("readside_read_api_waiting_reads"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst().orElse(0);
  }

  private static List<Long> measureOtherReads(String base, AtomicBoolean measuring) {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    String[] paths = {"/carts/wait-50", "/carts?status=open&limit=20", "/items/popular?limit=5", "/carts?status=checked_out&limit=20"};
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; measuring.get(); i++) {
      long start = System.nanoTime();
      try {
        HttpResponse<String> r = client.send(
            HttpRequest.newBuilder(URI.create(base + paths[i % paths.length])).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          throw new IllegalStateException(paths[i % paths.length] + ": " + r.statusCode() + " " + r.body());
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
    return latencies;
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
