package io.readside.platform;

import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/** Reads a JSON request body of at most 64 KiB into a record; anything malformed is a clear 400. */
public final class JsonBodies {
  public static final long MAX_BODY_BYTES = 64 * 1024;

  private JsonBodies() {}

  public static <T> Route jsonBody(Class<T> type, Function<T, Route> inner) {
    return withSizeLimit(
        MAX_BODY_BYTES,
        () -> entity(Unmarshaller.entityToString(), body -> inner.apply(parse(body, type))));
  }

  static <T> T parse(String body, Class<T> type) {
    if (body.isBlank()) {
      throw new BadRequest("malformed_json", "a JSON body is required");
    }
    try {
      T value = Json.MAPPER.readValue(body, type);
      if (value == null) {
        throw new BadRequest("malformed_json", "a JSON object is required");
      }
      return value;
    } catch (MismatchedInputException e) {
      String field = e.getPath().isEmpty() ? "" : " (field " + e.getPath().get(e.getPath().size() - 1).getFieldName() + ")";
      throw new BadRequest("malformed_json", e.getOriginalMessage() + field);
    } catch (JsonProcessingException e) {
      throw new BadRequest("malformed_json", "malformed JSON: " + e.getOriginalMessage());
    }
  }
}
