package io.readside.writeside;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.put;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.readside.platform.Json;
import io.readside.platform.JsonBodies;
import io.readside.platform.Tracing;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/** The command HTTP interface: each request becomes one command to one sharded cart. */
public final class CartRoutes {
  record AddItemRequest(String itemId, int quantity, long unitPriceCents) {}

  record AdjustQuantityRequest(int quantity) {}

  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /** A 503 that says whether the command took effect: for a write that timed out, nobody knows. */
  record Unavailable(String error, String message, String outcome) {}

  private static final AttributeKey<String> CART_ID = AttributeKey.stringKey("readside.cart.id");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("readside.outcome");

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Tracing tracing;

  public CartRoutes(ClusterSharding sharding, Duration askTimeout) {
    this(sharding, askTimeout, Tracing.off());
  }

  public CartRoutes(ClusterSharding sharding, Duration askTimeout, Tracing tracing) {
    this.sharding = sharding;
    this.askTimeout = askTimeout;
    this.tracing = tracing;
  }

  public Route route() {
    return pathPrefix(
        "carts",
        () ->
            pathPrefix(
                segment(),
                cartId -> unless(CartRules.checkCartId(cartId), () -> cartRoutes(cartId))));
  }

  /** Ids are checked here, before the cart's entity (and its journal) is touched. */
  private static Route unless(Optional<Rejection> invalid, Supplier<Route> inner) {
    return invalid.map(rejection -> rejected(rejection).complete()).orElseGet(inner);
  }

  private Route cartRoutes(String cartId) {
    return concat(
        pathEnd(() -> get(() -> tracing.serverSpan("GET", "/carts/{cartId}", trace ->
            ask(trace, cartId, (traceParent, replyTo) -> new CartCommand.Get(replyTo), true)))),
        path(
            "items",
            () ->
                post(
                    () -> tracing.serverSpan("POST", "/carts/{cartId}/items", trace ->
                        idempotencyKey(
                            key ->
                                JsonBodies.jsonBody(
                                    AddItemRequest.class,
                                    body ->
                                        unless(CartRules.checkItemId(body.itemId()), () -> ask(
                                            trace,
                                            cartId,
                                            (traceParent, replyTo) ->
                                                new CartCommand.AddItem(
                                                    body.itemId(), body.quantity(), body.unitPriceCents(), key, replyTo, traceParent),
                                            false))))))),
        path(
            segment("items").slash(segment()),
            itemId -> unless(CartRules.checkItemId(itemId), () ->
                concat(
                    put(
                        () -> tracing.serverSpan("PUT", "/carts/{cartId}/items/{itemId}", trace ->
                            idempotencyKey(
                                key ->
                                    JsonBodies.jsonBody(
                                        AdjustQuantityRequest.class,
                                        body ->
                                            ask(
                                                trace,
                                                cartId,
                                                (traceParent, replyTo) ->
                                                    new CartCommand.AdjustItemQuantity(itemId, body.quantity(), key, replyTo, traceParent),
                                                false))))),
                    delete(
                        () -> tracing.serverSpan("DELETE", "/carts/{cartId}/items/{itemId}", trace ->
                            idempotencyKey(
                                key -> ask(trace, cartId,
                                    (traceParent, replyTo) -> new CartCommand.RemoveItem(itemId, key, replyTo, traceParent), false))))))),
        path(
            "checkout",
            () -> post(() -> tracing.serverSpan("POST", "/carts/{cartId}/checkout", trace ->
                idempotencyKey(key -> ask(trace, cartId,
                    (traceParent, replyTo) -> new CartCommand.Checkout(key, replyTo, traceParent), false))))));
  }

  /** The optional Idempotency-Key header of a write (null without one); a malformed key is a 400. */
  private static Route idempotencyKey(Function<String, Route> inner) {
    return optionalHeaderValueByName(
        IDEMPOTENCY_KEY,
        key ->
            key.isEmpty()
                ? inner.apply(null)
                : CartRules.checkIdempotencyKey(key.get())
                    .map(rejection -> rejected(rejection).complete())
                    .orElseGet(() -> inner.apply(key.get())));
  }

  /**
   * Asks the cart, inside a span that is the command's child of the HTTP span: a write's span
   * context travels in the command to its event (traceParent), so the projections can link to it.
   */
  private Route ask(
      Context trace, String cartId, BiFunction<String, ActorRef<CartReply>, CartCommand> command, boolean isRead) {
    Span span = tracing.tracer().spanBuilder(isRead ? "ask ShoppingCart" : "persist ShoppingCart")
        .setParent(trace)
        .setAttribute(CART_ID, cartId)
        .startSpan();
    String traceParent = Tracing.traceParent(trace.with(span));
    CompletionStage<Json.Reply> response =
        sharding
            .entityRefFor(ShoppingCart.ENTITY_KEY, cartId)
            .<CartReply>ask(replyTo -> command.apply(traceParent, replyTo), askTimeout)
            .whenComplete((reply, failure) -> endAsk(span, reply, failure))
            .handle(
                (reply, failure) ->
                    failure != null ? unavailable(cartId, failure, isRead) : toResponse(cartId, reply, isRead));
    return onSuccess(response, Json.Reply::complete);
  }

  private static void endAsk(Span span, CartReply reply, Throwable failure) {
    if (failure != null) {
      span.recordException(failure);
      span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR);
    } else {
      span.setAttribute(OUTCOME, switch (reply) {
        case CartReply.Accepted a -> "accepted";
        case CartReply.Rejected r -> "rejected";
      });
    }
    span.end();
  }

  private static Json.Reply toResponse(String cartId, CartReply reply, boolean isRead) {
    return switch (reply) {
      case CartReply.Accepted accepted when isRead && accepted.cart().seqNr() == 0 ->
          Json.error(StatusCodes.NOT_FOUND, "cart_not_found", "no cart " + cartId);
      case CartReply.Accepted accepted -> Json.ok(accepted.cart());
      case CartReply.Rejected rejected -> rejected(rejected.rejection());
    };
  }

  static Json.Reply rejected(Rejection rejection) {
    StatusCode status =
        switch (rejection.kind()) {
          case INVALID -> StatusCodes.BAD_REQUEST;
          case NOT_FOUND -> StatusCodes.NOT_FOUND;
          case CONFLICT -> StatusCodes.CONFLICT;
          case UNPROCESSABLE -> StatusCodes.UNPROCESSABLE_CONTENT;
        };
    return Json.error(status, rejection.code(), rejection.message());
  }

  /**
   * No reply in time (the journal is down or slow). A read changed nothing; a write may have been
   * persisted, or may still be, so its outcome is unknown and only a retry with the same
   * Idempotency-Key is safe.
   */
  private Json.Reply unavailable(String cartId, Throwable failure, boolean isRead) {
    Throwable cause = Optional.ofNullable(failure.getCause()).orElse(failure);
    String why =
        cause instanceof TimeoutException
            ? "cart " + cartId + " did not answer within " + askTimeout.toMillis() + " ms"
            : "cart " + cartId + " failed: " + cause.getMessage();
    if (isRead) {
      return Json.error(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", why + "; retry");
    }
    return Json.response(
        StatusCodes.SERVICE_UNAVAILABLE,
        new Unavailable(
            "unavailable",
            why + "; the command may or may not have taken effect: retry it with the same Idempotency-Key",
            "unknown"));
  }
}
