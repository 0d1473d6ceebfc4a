package io.readside.platform;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequestEntity;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.withRequestTimeoutResponse;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every error of a route the JSON error shape: Pekko's own rejections (404, 405, 413, ...)
 * keep their status and message, a request timeout is a JSON 503, and an unexpected exception is a
 * logged 500 that tells nothing of the internals. One handler for every server (HttpServers); what
 * the HTTP layer refuses before a route runs is JsonParsingErrorHandler's.
 */
public final class HttpErrors {
  private static final Logger log = LoggerFactory.getLogger(HttpErrors.class);

  private HttpErrors() {}

  public static Route withJsonErrors(Route inner) {
    return handleExceptions(
        EXCEPTIONS,
        () -> handleRejections(REJECTIONS, () -> withRequestTimeoutResponse(HttpErrors::timedOut, () -> refusingLargeBodies(inner))));
  }

  /** Only the exceptions' JSON answers: for a wrapper (Tracing) that must see the response a failure becomes. */
  static Route withJsonExceptions(java.util.function.Supplier<Route> inner) {
    return handleExceptions(EXCEPTIONS, inner);
  }

  /** A declared body over the limit is refused on every route, also on those that do not read it. */
  private static Route refusingLargeBodies(Route inner) {
    return extractRequestEntity(entity -> {
      OptionalLong length = entity.getContentLengthOption();
      return length.isPresent() && length.getAsLong() > JsonBodies.MAX_BODY_BYTES ? tooLarge().complete() : inner;
    });
  }

  private static final String TOO_LARGE = "the request body is larger than " + JsonBodies.MAX_BODY_BYTES + " bytes";

  private static Json.Reply tooLarge() {
    return Json.error(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", TOO_LARGE);
  }

  private static HttpResponse timedOut(HttpRequest request) {
    return Json.errorResponse(StatusCodes.SERVICE_UNAVAILABLE, "timeout", "the server did not answer in time; retry");
  }

  private static final ExceptionHandler EXCEPTIONS =
      ExceptionHandler.newBuilder()
          .match(
              EntityStreamSizeException.class,
              e -> Json.error(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", e.getMessage()).complete())
          .match(
              BadRequest.class,
              e -> Json.error(StatusCodes.BAD_REQUEST, e.code(), e.getMessage()).complete())
          .matchAny(
              e -> {
                log.error("request failed", e);
                return Json.error(StatusCodes.INTERNAL_SERVER_ERROR, "internal", "internal error, see the server log").complete();
              })
          .build();

  /**
   * A query parameter its typed unmarshaller refused, and a body Jackson's unmarshaller refused, are
   * 400s with our codes; every other rejection is Pekko's default answer in the JSON error shape.
   */
  private static final RejectionHandler REJECTIONS =
      RejectionHandler.newBuilder()
          .handle(MalformedQueryParamRejection.class,
              r -> Json.error(StatusCodes.BAD_REQUEST, "invalid_parameter", r.parameterName() + " " + r.errorMsg()).complete())
          .handle(MalformedRequestContentRejection.class, HttpErrors::malformedBody)
          .build()
          .withFallback(RejectionHandler.defaultHandler())
          .mapRejectionResponse(HttpErrors::asJsonError);

  private static Route malformedBody(MalformedRequestContentRejection rejection) {
    if (rejection.getCause() instanceof EntityStreamSizeException) {
      return tooLarge().complete();
    }
    BadRequest refusal = JsonBodies.refusal(rejection.getCause());
    return Json.error(StatusCodes.BAD_REQUEST, refusal.code(), refusal.getMessage()).complete();
  }

  private static HttpResponse asJsonError(HttpResponse response) {
    if (response.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      return response;
    }
    if (response.status().intValue() == 413) {
      return Json.errorResponse(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", TOO_LARGE);
    }
    String text =
        response.entity() instanceof HttpEntity.Strict strict
            ? strict.getData().decodeString(StandardCharsets.UTF_8)
            : response.status().reason();
    return Json.errorResponse(response.status(), codeFor(response.status().intValue()), text);
  }

  private static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 406 -> "not_acceptable";
      case 413 -> "too_large";
      case 415 -> "unsupported_media_type";
      default -> status >= 500 ? "internal" : "bad_request";
    };
  }
}
