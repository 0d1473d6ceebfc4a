package io.readside.projections.admin;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;

import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The operators' console: a static page (HTML, one script file, one style sheet) from the
 * classpath, loaded without a token. The data comes from the /admin routes, which the script
 * calls with the bearer token the operator typed in (kept in the tab's sessionStorage). Auth is a
 * header, never a cookie, so another site cannot make the browser act on the operator's behalf.
 */
final class AdminConsole {
  private AdminConsole() {}

  private static final String RESOURCES = "readside-console/";

  /** No inline script or style, nothing from elsewhere, no framing, no form posts. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
          + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /** For every admin response, the API's included: not sniffed, not framed, not cached. */
  static final List<HttpHeader> SECURITY_HEADERS =
      List.of(
          RawHeader.create("X-Content-Type-Options", "nosniff"),
          RawHeader.create("X-Frame-Options", "DENY"),
          RawHeader.create("Referrer-Policy", "no-referrer"),
          RawHeader.create("Cache-Control", "no-store"));

  static Route route() {
    return pathPrefix("console", () -> get(() -> respondWithHeaders(
        List.of(RawHeader.create("Content-Security-Policy", CONTENT_SECURITY_POLICY)),
        () -> concat(
            pathEndOrSingleSlash(() -> getFromResource(RESOURCES + "index.html")),
            path("console.js", () -> getFromResource(RESOURCES + "console.js")),
            path("console.css", () -> getFromResource(RESOURCES + "console.css")),
            path("favicon.svg", () -> getFromResource(RESOURCES + "favicon.svg"))))));
  }
}
