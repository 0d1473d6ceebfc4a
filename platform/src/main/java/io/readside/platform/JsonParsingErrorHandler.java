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
      case 414 -> Json.error(status, "uri_too_long", info.summary());
      case 413 -> Json.error(status, "too_large", info.summary());
      case 431 -> Json.error(status, "headers_too_large", info.summary());
      // 501 (unknown method) and 505 (HTTP version): the client sent something we do not speak, a 4xx.
      case 501 -> Json.error(StatusCodes.BAD_REQUEST, "unknown_method", info.summary());
      case 505 -> Json.error(StatusCodes.BAD_REQUEST, "unsupported_http_version", info.summary());
      default -> Json.error(status.intValue() >= 500 ? StatusCodes.BAD_REQUEST : status, "bad_request", info.summary());
    };
  }
}
