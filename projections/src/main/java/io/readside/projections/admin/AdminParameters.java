package io.readside.projections.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.readside.platform.BadRequest;
import io.readside.projections.DeadLetter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The admin API's query parameters and request bodies, checked: anything else is a 400 that says what was expected. */
final class AdminParameters {
  /** The largest offset a JSON client holds exactly (2^53 - 1); journal orderings stay far below. */
  static final long MAX_OFFSET = 9_007_199_254_740_991L;
  private static final Instant FIRST_INSTANT = Instant.parse("1970-01-01T00:00:00Z");
  private static final Instant PAST_LAST_INSTANT = Instant.parse("+10000-01-01T00:00:00Z");
  private static final Pattern SMALL_NUMBER = Pattern.compile("[0-9]{1,9}");

  private AdminParameters() {}

  static RewindTarget rewindTarget(JsonNode body) {
    if (!body.isObject()) {
      throw new BadRequest("invalid_body", "the body must be a JSON object");
    }
    body.fieldNames().forEachRemaining(f -> {
      if (!Set.of("toOffset", "toTimestamp", "dryRun").contains(f)) {
        throw new BadRequest("invalid_body", "unknown field " + f + "; expected toOffset or toTimestamp, and dryRun");
      }
    });
    boolean hasOffset = body.has("toOffset");
    if (hasOffset == body.has("toTimestamp")) {
      throw new BadRequest("invalid_body", "give exactly one of toOffset (a journal ordering) or toTimestamp (ISO-8601)");
    }
    if (hasOffset) {
      JsonNode offset = body.get("toOffset");
      if (!offset.isIntegralNumber() || !offset.canConvertToLong() || offset.asLong() < 0 || offset.asLong() > MAX_OFFSET) {
        throw new BadRequest("invalid_body", "toOffset must be a whole number from 0 to " + MAX_OFFSET + ", got " + shown(offset));
      }
      return new RewindTarget.ToOffset(offset.asLong());
    }
    JsonNode timestamp = body.get("toTimestamp");
    try {
      if (timestamp.isTextual()) {
        Instant instant = Instant.parse(timestamp.asText());
        if (!instant.isBefore(FIRST_INSTANT) && instant.isBefore(PAST_LAST_INSTANT)) {
          return new RewindTarget.ToTimestamp(instant);
        }
      }
    } catch (DateTimeParseException e) {
      // the same message as an instant out of range
    }
    throw new BadRequest("invalid_body",
        "toTimestamp must be an ISO-8601 instant from 1970 to 9999 like 2026-11-30T10:00:00Z, got " + shown(timestamp));
  }

  /** The rewind body's dryRun, false when absent. */
  static boolean dryRun(JsonNode body) {
    if (!body.has("dryRun")) {
      return false;
    }
    JsonNode node = body.get("dryRun");
    if (!node.isBoolean()) {
      throw new BadRequest("invalid_body", "dryRun must be true or false, got " + node);
    }
    return node.asBoolean();
  }

  /** ASCII digits only (Integer.parseInt also takes "+3" and non-ASCII digits); the range is checked by the operations. */
  static int slice(String raw) {
    if (!SMALL_NUMBER.matcher(raw).matches()) {
      throw new BadRequest("invalid_parameter", "slice must be a whole number, got '" + shown(raw) + "'");
    }
    return Integer.parseInt(raw);
  }

  static int limit(Optional<String> raw, int fallback, int max) {
    if (raw.isEmpty()) {
      return fallback;
    }
    if (SMALL_NUMBER.matcher(raw.get()).matches()) {
      int n = Integer.parseInt(raw.get());
      if (n >= 1 && n <= max) {
        return n;
      }
    }
    throw new BadRequest("invalid_parameter", "limit must be from 1 to " + max + ", got '" + shown(raw.get()) + "'");
  }

  /** A dead letter status to list by; empty for "all" or none given. */
  static Optional<DeadLetter.Status> deadLetterStatus(Optional<String> raw) {
    Optional<String> s = raw.filter(v -> !v.equals("all"));
    if (s.isPresent() && !Set.of("parked", "retried", "discarded").contains(s.get())) {
      throw new BadRequest("invalid_parameter", "status must be parked, retried, discarded or all, got '" + s.get() + "'");
    }
    return s.map(v -> DeadLetter.Status.valueOf(v.toUpperCase(Locale.ROOT)));
  }

  /** Whether a rebuild is a shadow rebuild: shadow=true, or false/absent. */
  static boolean shadow(Optional<String> raw) {
    if (raw.isPresent() && !Set.of("true", "false").contains(raw.get())) {
      throw new BadRequest("invalid_parameter", "shadow must be true or false, got '" + shown(raw.get()) + "'");
    }
    return raw.filter("true"::equals).isPresent();
  }

  private static String shown(JsonNode value) {
    String text = value.toString();
    return text.length() > 100 ? text.substring(0, 100) + "..." : text;
  }

  private static String shown(String raw) {
    String printable = raw.codePoints().limit(100)
        .collect(StringBuilder::new, (b, c) -> b.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : Character.toString(c)), StringBuilder::append)
        .toString();
    return raw.length() > 100 ? printable + "..." : printable;
  }
}
