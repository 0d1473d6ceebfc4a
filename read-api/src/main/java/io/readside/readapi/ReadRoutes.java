package io.readside.readapi;

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
import io.readside.platform.QueryParameters;
import io.readside.platform.Tracing;
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
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
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
  /** What a read refused for too many waiting reads is told to wait before it retries. */
  static final long RETRY_AFTER_SECONDS = 1;

  private final CartQueries queries;
  private final CartWaiters waiters;
  private final Executor jdbc;
  private final Tracing tracing;

  ReadRoutes(CartQueries queries, CartWaiters waiters, Executor jdbc) {
    this(queries, waiters, jdbc, Tracing.off());
  }

  ReadRoutes(CartQueries queries, CartWaiters waiters, Executor jdbc, Tracing tracing) {
    this.queries = queries;
    this.waiters = waiters;
    this.jdbc = jdbc;
    this.tracing = tracing;
  }

  /** Each route in a SERVER span of its own (issue 14), its template as the span's name. */
  public Route route() {
    return get(
        () ->
            concat(
                pathPrefix("carts", () -> concat(
                    pathEnd(() -> traced("/carts", this::listCarts)),
                    path(segment(), id -> traced("/carts/{cartId}", () -> cart(Ids.require("cartId", id)))))),
                path(segment("items").slash("popular"), () -> traced("/items/popular", this::popularItems)),
                path(segment("sales").slash("daily"), () -> traced("/sales/daily", this::dailySales))));
  }

  private Route traced(String route, Supplier<Route> inner) {
    return tracing.serverSpan("GET", route, context -> inner.get());
  }

  private Route cart(String cartId) {
    return parameterOptional(
        QueryParameters.wholeNumber(0, Long.MAX_VALUE), "minSeqNr",
        minParam ->
            parameterOptional(
                QueryParameters.wholeNumber(0, MAX_WAIT_MS), "waitMs",
                waitParam -> {
                  long minSeqNr = minParam.orElse(0L);
                  long waitMs = waitParam.orElse(DEFAULT_WAIT_MS);
                  long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
                  return respond(awaitCart(cartId, minSeqNr, deadline, waitMs));
                }));
  }

  /**
   * Reads the cart; if the read model has not applied minSeqNr yet, waits for it among the shared
   * waiters (one query per poll for all of them) and reads it again once it has.
   */
  private CompletionStage<Json.Reply> awaitCart(String cartId, long minSeqNr, long deadline, long waitMs) {
    return query(() -> queries.cart(cartId))
        .thenCompose(
            cart -> {
              long applied = cart.map(Cart::seqNr).orElse(0L);
              if (applied >= minSeqNr) {
                return CompletableFuture.completedFuture(found(cartId, cart));
              }
              if (System.nanoTime() - deadline >= 0) {
                return CompletableFuture.completedFuture(notYetProjected(cartId, applied, minSeqNr, waitMs));
              }
              return waiters.await(cartId, minSeqNr, applied, deadline).thenCompose(outcome -> switch (outcome) {
                case CartWaiters.Outcome.Reached r -> query(() -> found(cartId, queries.cart(cartId)));
                case CartWaiters.Outcome.TimedOut t ->
                    CompletableFuture.completedFuture(notYetProjected(cartId, t.appliedSeqNr(), minSeqNr, waitMs));
                case CartWaiters.Outcome.Refused r -> CompletableFuture.completedFuture(tooManyWaiting(r.maxWaiting()));
              });
            });
  }

  private static Json.Reply found(String cartId, Optional<Cart> cart) {
    return cart.map(Json::ok).orElseGet(() -> Json.error(StatusCodes.NOT_FOUND, "cart_not_found", "no cart " + cartId));
  }

  private static Json.Reply tooManyWaiting(int maxWaiting) {
    return Json.error(
            StatusCodes.SERVICE_UNAVAILABLE,
            "too_many_waiting",
            maxWaiting + " reads are already waiting for the projection; retry after " + RETRY_AFTER_SECONDS + " s")
        .addHeader(RetryAfter.create(RETRY_AFTER_SECONDS));
  }

  private static Json.Reply notYetProjected(String cartId, long applied, long minSeqNr, long waitMs) {
    String message =
        "cart " + cartId + ": the read model has applied up to seqNr " + applied + ", not yet " + minSeqNr
            + " (waited " + waitMs + " ms); retry shortly";
    return Json.response(
        StatusCodes.SERVICE_UNAVAILABLE,
        new ReadModel.NotYetProjected("not_yet_projected", message, cartId, applied, minSeqNr));
  }

  private Route listCarts() {
    return parameterOptional(
        QueryParameters.oneOf(Set.of("open", "checked_out")), "status",
        status ->
            parameterOptional(
                QueryParameters.count(1, MAX_PAGE), "limit",
                limitParam ->
                    parameterOptional(
                        QueryParameters.cartId(), "after",
                        after -> {
                          int limit = limitParam.orElse(DEFAULT_PAGE);
                          return respond(query(() -> Json.ok(queries.carts(status, after, limit))));
                        })));
  }

  private Route popularItems() {
    return parameterOptional(
        QueryParameters.count(1, MAX_POPULAR), "limit",
        limitParam -> {
          int limit = limitParam.orElse(DEFAULT_POPULAR);
          return respond(query(() -> Json.ok(new ReadModel.PopularItems(queries.popularItems(limit)))));
        });
  }

  private Route dailySales() {
    return parameterOptional(
        QueryParameters.date(), "from",
        fromParam ->
            parameterOptional(
                QueryParameters.date(), "to",
                toParam -> {
                  LocalDate to = toParam.orElse(LocalDate.now(ZoneOffset.UTC));
                  LocalDate from = fromParam.orElse(to.minusDays(30));
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
  private static Route respond(CompletionStage<Json.Reply> response) {
    return onSuccess(response.exceptionally(DatabaseUnavailable::responseOrRethrow), Json.Reply::complete);
  }
}
