package io.readside.platform;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * The answer to a request the HTTP layer cannot parse (URI too long, bad percent-encoding, header
 * too large, unknown method), before any route runs: the JSON error shape instead of text/plain.
 * Named by {@code pekko.http.server.parsing.error-handler} in readside-library.conf.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {
  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    log.warning("Illegal request, responding with status '{}': {}", status, info.summary());
    return switch (status.intValue()) {
      case 414 -> Json.errorResponse(status, "uri_too_long", info.summary());
      case 413 -> Json.errorResponse(status, "too_large", info.summary());
      case 431 -> Json.errorResponse(status, "headers_too_large", info.summary());
      // 501 (unknown method) and 505 (HTTP version): the client sent something we do not speak, a 4xx.
      case 501 -> Json.errorResponse(StatusCodes.BAD_REQUEST, "unknown_method", info.summary());
      case 505 -> Json.errorResponse(StatusCodes.BAD_REQUEST, "unsupported_http_version", info.summary());
      default -> Json.errorResponse(status.intValue() >= 500 ? StatusCodes.BAD_REQUEST : status, "bad_request", info.summary());
    };
  }
}
