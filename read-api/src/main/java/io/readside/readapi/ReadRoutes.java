package io.readside.readapi;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.readside.platform.BadRequest;
import io.readside.platform.DatabaseUnavailable;
import io.readside.platform.Ids;
import io.readside.platform.Json;
import io.readside.readapi.ReadModel.Cart;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/** The query HTTP interface over the read model. JDBC runs on its own executor, never on Pekko's. */
public final class ReadRoutes {
  static final long MAX_WAIT_MS = 10_000;
  static final long DEFAULT_WAIT_MS = 1_000;
  static final int MAX_PAGE = 500;
  static final int DEFAULT_PAGE = 50;
  static final int MAX_POPULAR = 100;
  static final int DEFAULT_POPULAR = 10;
  static final long MAX_SALES_DAYS = 366;
  private static final long POLL_MS = 25;

  private final CartQueries queries;
  private final Executor jdbc;

  public ReadRoutes(CartQueries queries, Executor jdbc) {
    this.queries = queries;
    this.jdbc = jdbc;
  }

  public Route route() {
    return get(
        () ->
            concat(
                pathPrefix("carts", () -> concat(pathEnd(this::listCarts), path(segment(), id -> cart(Ids.require("cartId", id))))),
                path(segment("items").slash("popular"), this::popularItems),
                path(segment("sales").slash("daily"), this::dailySales)));
  }

  private Route cart(String cartId) {
    return parameterOptional(
        "minSeqNr",
        minRaw ->
            parameterOptional(
                "waitMs",
                waitRaw -> {
                  long minSeqNr = QueryParameters.longIn("minSeqNr", minRaw, 0, 0, Long.MAX_VALUE);
                  long waitMs = QueryParameters.longIn("waitMs", waitRaw, DEFAULT_WAIT_MS, 0, MAX_WAIT_MS);
                  long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
                  return respond(awaitCart(cartId, minSeqNr, deadline, waitMs));
                }));
  }

  /** Polls until the projection has applied minSeqNr for this cart, without holding a thread. */
  private CompletionStage<HttpResponse> awaitCart(String cartId, long minSeqNr, long deadline, long waitMs) {
    return query(() -> queries.cart(cartId))
        .thenCompose(
            cart -> {
              long applied = cart.map(Cart::seqNr).orElse(0L);
              if (applied >= minSeqNr) {
                return CompletableFuture.completedFuture(
                    cart.map(Json::ok)
                        .orElseGet(() -> Json.error(StatusCodes.NOT_FOUND, "cart_not_found", "no cart " + cartId)));
              }
              if (System.nanoTime() >= deadline) {
                return CompletableFuture.completedFuture(notYetProjected(cartId, applied, minSeqNr, waitMs));
              }
              Executor later = CompletableFuture.delayedExecutor(POLL_MS, TimeUnit.MILLISECONDS, jdbc);
              return CompletableFuture.supplyAsync(() -> cartId, later)
                  .thenCompose(id -> awaitCart(id, minSeqNr, deadline, waitMs));
            });
  }

  private static HttpResponse notYetProjected(String cartId, long applied, long minSeqNr, long waitMs) {
    String message =
        "cart " + cartId + ": the read model has applied up to seqNr " + applied + ", not yet " + minSeqNr
            + " (waited " + waitMs + " ms); retry shortly";
    return Json.response(
        StatusCodes.SERVICE_UNAVAILABLE,
        new ReadModel.NotYetProjected("not_yet_projected", message, cartId, applied, minSeqNr));
  }

  private Route listCarts() {
    return parameterOptional(
        "status",
        statusRaw ->
            parameterOptional(
                "limit",
                limitRaw ->
                    parameterOptional(
                        "after",
                        afterRaw -> {
                          Optional<String> after = QueryParameters.id("after", afterRaw);
                          Optional<String> status = QueryParameters.oneOf("status", statusRaw, Set.of("open", "checked_out"));
                          int limit = (int) QueryParameters.longIn("limit", limitRaw, DEFAULT_PAGE, 1, MAX_PAGE);
                          return respond(query(() -> Json.ok(queries.carts(status, after, limit))));
                        })));
  }

  private Route popularItems() {
    return parameterOptional(
        "limit",
        limitRaw -> {
          int limit = (int) QueryParameters.longIn("limit", limitRaw, DEFAULT_POPULAR, 1, MAX_POPULAR);
          return respond(query(() -> Json.ok(new ReadModel.PopularItems(queries.popularItems(limit)))));
        });
  }

  private Route dailySales() {
    return parameterOptional(
        "from",
        fromRaw ->
            parameterOptional(
                "to",
                toRaw -> {
                  LocalDate to = QueryParameters.date("to", toRaw).orElse(LocalDate.now(ZoneOffset.UTC));
                  LocalDate from = QueryParameters.date("from", fromRaw).orElse(to.minusDays(30));
                  if (from.isAfter(to)) {
                    throw new BadRequest("invalid_parameter", "from (" + from + ") is after to (" + to + ")");
                  }
                  if (ChronoUnit.DAYS.between(from, to) >= MAX_SALES_DAYS) {
                    throw new BadRequest(
                        "invalid_parameter", "at most " + MAX_SALES_DAYS + " days per request");
                  }
                  return respond(
                      query(() -> Json.ok(new ReadModel.SalesByDay(from, to, queries.dailySales(from, to)))));
                }));
  }

  @FunctionalInterface
  private interface Query<T> {
    T run() throws Exception;
  }

  private <T> CompletableFuture<T> query(Query<T> query) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return query.run();
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        },
        jdbc);
  }

  /** A database that is down or too slow is a 503 database_unavailable, not a 500. */
  private static Route respond(CompletionStage<HttpResponse> response) {
    return onSuccess(response.exceptionally(DatabaseUnavailable::responseOrRethrow), r -> complete(r));
  }
}
