package io.readside.platform;

import static org.apache.pekko.http.javadsl.server.Directives.concat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.TLSPlacebo;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import scala.concurrent.duration.FiniteDuration;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;

/**
 * Binds a route, with the node's {@code GET /metrics} and {@code GET /health/alive|ready} beside
 * it, and waits for the binding, so a taken port fails start-up loudly.
 *
 * <p>The connection is assembled from pekko-http's server layer over TCP (what
 * {@code Http.newServerAt} does inside) so that {@link Utf8Guard} can sit in front of the parser:
 * pekko-http offers no hook at the byte level. Shutdown keeps its contract: stop accepting, let
 * requests in flight finish until the deadline, then close every connection.
 */
public final class HttpServers {
  private HttpServers() {}

  public static ServerBinding bind(ActorSystem<?> system, String host, int port, Route route) {
    try {
      Route all = HttpErrors.withJsonErrors(concat(NodeMetrics.get(system).route(), NodeHealth.get(system).route(), route));
      ServerSettings settings = ServerSettings.create(system.settings().config());
      Materializer materializer = Materializer.matFromSystem(system);
      InFlight inFlight = new InFlight();
      Function<HttpRequest, CompletionStage<HttpResponse>> handler = all.handler(system);
      Flow<HttpRequest, HttpResponse, NotUsed> requests =
          Flow.<HttpRequest>create().mapAsync(settings.getPipeliningLimit(), request -> inFlight.track(handler.apply(request)));
      BidiFlow<HttpResponse, ByteString, ByteString, HttpRequest, NotUsed> stack =
          Http.get(system).serverLayer(settings)
              .atop(plainText())
              .atop(BidiFlow.fromFlows(Flow.<ByteString>create(), Flow.fromGraph(new Utf8Guard())));
      SharedKillSwitch connections = KillSwitches.shared("http-" + host + "-" + port);
      Flow<ByteString, ByteString, CompletionStage<Done>> connection =
          Flow.<ByteString>create().via(connections.flow()).via(requests.join(stack)).via(connections.flow())
              .watchTermination(Keep.right());
      Tcp.ServerBinding tcp =
          Tcp.get(system)
              .bind(host, port, settings.getBacklog(), settings.getSocketOptions(), false, settings.getTimeouts().idleTimeout())
              // A connection that fails (a client resetting it with requests in flight) ends that
              // connection only: a failed element here would fail the accept stream and unbind
              // the server, as pekko-http's own bind guards against too.
              .mapAsyncUnordered(settings.getMaxConnections(), incoming -> incoming.handleWith(connection, materializer)
                  .exceptionally(failure -> Done.getInstance()))
              .to(Sink.ignore())
              .run(materializer)
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      ServerBinding binding = new ServerBinding(new org.apache.pekko.http.scaladsl.Http.ServerBinding(
          tcp.localAddress(),
          () -> FutureConverters.asScala(tcp.unbind().thenApply(done -> BoxedUnit.UNIT)),
          deadline -> FutureConverters.asScala(terminate(tcp, inFlight, connections, deadline))));
      binding.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
      return binding;
    } catch (Exception e) {
      throw new IllegalStateException("could not bind HTTP on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** No TLS: the bytes as they are. (TLSPlacebo's inbound type, SessionBytes, is the SslTlsInbound the layer takes.) */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static BidiFlow<TLSProtocol.SslTlsOutbound, ByteString, ByteString, TLSProtocol.SslTlsInbound, NotUsed> plainText() {
    return (BidiFlow) TLSPlacebo.getInstance();
  }

  private static CompletionStage<org.apache.pekko.http.scaladsl.Http.HttpTerminated> terminate(
      Tcp.ServerBinding tcp, InFlight inFlight, SharedKillSwitch connections, FiniteDuration deadline) {
    return tcp.unbind()
        .thenCompose(unbound -> inFlight.idle().completeOnTimeout(null, deadline.toMillis(), TimeUnit.MILLISECONDS))
        .handle((idle, failure) -> {
          connections.shutdown();
          return org.apache.pekko.http.scaladsl.Http.HttpServerTerminated$.MODULE$;
        });
  }

  /** Requests being answered, so shutdown can wait for them and no longer. */
  private static final class InFlight {
    private final AtomicInteger count = new AtomicInteger();
    private volatile CompletableFuture<Void> idle = CompletableFuture.completedFuture(null);

    CompletionStage<HttpResponse> track(CompletionStage<HttpResponse> response) {
      if (count.getAndIncrement() == 0) {
        idle = new CompletableFuture<>();
      }
      return response.whenComplete((r, e) -> {
        if (count.decrementAndGet() == 0) {
          idle.complete(null);
        }
      });
    }

    CompletableFuture<Void> idle() {
      return count.get() == 0 ? CompletableFuture.completedFuture(null) : idle;
    }
  }
}
