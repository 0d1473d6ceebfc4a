package io.readside.projections.admin;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;

import io.readside.platform.BadRequest;
import io.readside.platform.Json;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/** Admin work is blocking (JDBC, waiting on instances): it runs off Pekko's threads, and its refusals answer as JSON errors. */
final class BlockingWork {
  @FunctionalInterface
  interface Work {
    HttpResponse run() throws Exception;
  }

  private final Executor executor;

  BlockingWork(Executor executor) {
    this.executor = executor;
  }

  Route run(Work work) {
    CompletableFuture<HttpResponse> response =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return work.run();
              } catch (Refused e) {
                return Json.error(status(e), e.code, e.getMessage());
              } catch (BadRequest e) {
                return Json.error(StatusCodes.BAD_REQUEST, e.code(), e.getMessage());
              } catch (RuntimeException e) {
                if (e.getCause() instanceof Refused r) {
                  return Json.error(status(r), r.code, r.getMessage());
                }
                throw e;
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            },
            executor);
    return onSuccess(response, r -> complete(r));
  }

  private static StatusCode status(Refused refused) {
    return switch (refused.kind) {
      case NOT_FOUND -> StatusCodes.NOT_FOUND;
      case CONFLICT -> StatusCodes.CONFLICT;
    };
  }
}
