package io.readside.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/** The one JSON mapper of every HTTP interface, strict about what it accepts. */
public final class Json {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          // Bad input is refused, never guessed at: typos, missing fields, 1.5 for a count.
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // No "2" for 2, no 2 for "2", no true for 1: a wrong type is a 400, not a guess.
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .withCoercionConfig(LogicalType.Textual, c -> c
              .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
              .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
              .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
          .withCoercionConfig(LogicalType.Integer, c -> c
              .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
              .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
              .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
          .withCoercionConfig(LogicalType.Boolean, c -> c
              .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
              .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
          .build();

  private Json() {}

  /** JSON text of a value (for jsonb columns and logs). */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JSON text as plain maps, lists and values; null stays null. */
  public static Object parse(String json) {
    try {
      return json == null ? null : MAPPER.readValue(json, Object.class);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Jackson's marshaller over {@link #MAPPER}: how every route writes its JSON. */
  private static final Marshaller<Object, RequestEntity> MARSHALLER = Jackson.marshaller(MAPPER);

  @SuppressWarnings("unchecked")
  public static <T> Marshaller<T, RequestEntity> marshaller() {
    // It writes any value: the cast only narrows what the caller may pass.
    return (Marshaller<T, RequestEntity>) (Marshaller<?, ?>) MARSHALLER;
  }

  public static Reply ok(Object body) {
    return response(StatusCodes.OK, body);
  }

  public static Reply response(StatusCode status, Object body) {
    return new Reply(status, body, List.of());
  }

  /** The error shape of every 4xx and 5xx: {@code {"error": code, "message": text}}. */
  public static Reply error(StatusCode status, String code, String message) {
    return response(status, new ErrorBody(code, message));
  }

  /**
   * The error shape as a finished response, for the few places outside a route where no
   * marshaller runs (the HTTP layer's parsing errors, a rejection's response, a request timeout).
   */
  public static HttpResponse errorResponse(StatusCode status, String code, String message) {
    return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, write(new ErrorBody(code, message)));
  }

  public record ErrorBody(String error, String message) {}

  /** A route's answer: a status, a body that {@link #marshaller()} writes, and any extra headers. */
  public record Reply(StatusCode status, Object body, List<HttpHeader> headers) {
    public Reply addHeader(HttpHeader header) {
      List<HttpHeader> all = new ArrayList<>(headers);
      all.add(header);
      return new Reply(status, body, List.copyOf(all));
    }

    public Route complete() {
      return Directives.complete(status, headers, body, marshaller());
    }
  }
}
