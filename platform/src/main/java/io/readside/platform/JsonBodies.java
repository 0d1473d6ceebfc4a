package io.readside.platform;

import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Reads a JSON request body of at most 64 KiB into a record with Jackson's unmarshaller over the
 * strict {@link Json#MAPPER}; anything malformed is a clear 400 (see {@link HttpErrors}).
 */
public final class JsonBodies {
  public static final long MAX_BODY_BYTES = 64 * 1024;

  private JsonBodies() {}

  public static <T> Route jsonBody(Class<T> type, Function<T, Route> inner) {
    return withSizeLimit(MAX_BODY_BYTES, () -> entity(unmarshaller(type), inner));
  }

  /** Jackson's unmarshaller (application/json only); a JSON {@code null} is refused like any other non-object. */
  static <T> Unmarshaller<HttpEntity, T> unmarshaller(Class<T> type) {
    return Jackson.unmarshaller(Json.MAPPER, type).thenApply(value -> {
      if (value == null) {
        throw new BadRequest("malformed_json", "a JSON object is required");
      }
      return value;
    });
  }

  /** The 400 for a body the unmarshaller refused: what was wrong and, for a wrong field, which one. */
  static BadRequest refusal(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BadRequest bad) {
        return bad;
      }
      if (t instanceof MismatchedInputException e) {
        if (beforeAnyToken(e)) {
          return new BadRequest("malformed_json", "a JSON body is required");
        }
        String field = e.getPath().isEmpty() ? "" : " (field " + e.getPath().get(e.getPath().size() - 1).getFieldName() + ")";
        return new BadRequest("malformed_json", e.getOriginalMessage() + field);
      }
      if (t instanceof JsonProcessingException e) {
        return new BadRequest("malformed_json", "malformed JSON: " + e.getOriginalMessage());
      }
    }
    return new BadRequest("malformed_json", "malformed JSON: " + failure.getMessage());
  }

  /** An empty (or blank) body: Jackson reports it as a mismatch before the parser read any token. */
  private static boolean beforeAnyToken(MismatchedInputException e) {
    return e.getProcessor() instanceof JsonParser parser && parser.currentToken() == null;
  }
}
