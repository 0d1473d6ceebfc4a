package io.readside.platform;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Typed, strict query-parameter unmarshallers for {@code parameterOptional(unmarshaller, name, ...)}.
 * A value they refuse is a 400 {@code invalid_parameter} whose message starts with the parameter's
 * name (HttpErrors), checked before any query runs: the database never sees a value outside these ranges.
 */
public final class QueryParameters {
  /** ASCII digits only: Long.parseLong would also take "+5" and Arabic-Indic or full-width digits. */
  private static final Pattern WHOLE_NUMBER = Pattern.compile("-?[0-9]{1,19}");
  private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  public static final LocalDate FIRST_DAY = LocalDate.of(1970, 1, 1);
  public static final LocalDate LAST_DAY = LocalDate.of(9999, 12, 31);

  private QueryParameters() {}

  public static Unmarshaller<String, Long> wholeNumber(long min, long max) {
    return Unmarshaller.sync(raw -> {
      try {
        if (WHOLE_NUMBER.matcher(raw).matches()) {
          long value = Long.parseLong(raw);
          if (value >= min && value <= max) {
            return value;
          }
        }
      } catch (NumberFormatException e) {
        // 19 digits beyond Long.MAX_VALUE: the same message as an out-of-range number
      }
      throw invalid("must be a whole number from " + min + " to " + max + ", got '" + shown(raw) + "'");
    });
  }

  public static Unmarshaller<String, Integer> count(int min, int max) {
    return wholeNumber(min, max).thenApply(Long::intValue);
  }

  /** A UTC day YYYY-MM-DD from 1970-01-01 to 9999-12-31. */
  public static Unmarshaller<String, LocalDate> date() {
    return Unmarshaller.sync(raw -> {
      try {
        if (DATE.matcher(raw).matches()) {
          LocalDate day = LocalDate.parse(raw);
          if (!day.isBefore(FIRST_DAY) && !day.isAfter(LAST_DAY)) {
            return day;
          }
        }
      } catch (DateTimeParseException e) {
        // e.g. 2026-02-30: the same message as any other bad date
      }
      throw invalid("must be a date YYYY-MM-DD from " + FIRST_DAY + " to " + LAST_DAY + ", got '" + shown(raw) + "'");
    });
  }

  public static Unmarshaller<String, String> oneOf(Set<String> allowed) {
    String choices = String.join(", ", allowed.stream().sorted().toList());
    return Unmarshaller.sync(raw -> {
      if (!allowed.contains(raw)) {
        throw invalid("must be one of " + choices + ", got '" + shown(raw) + "'");
      }
      return raw;
    });
  }

  /** A cart id (the {@code after} cursor), by the cart id rule. */
  public static Unmarshaller<String, String> cartId() {
    return Unmarshaller.sync(raw -> {
      if (!Ids.isValid(raw)) {
        throw invalid("must be a cart id: " + Ids.RULE);
      }
      return raw;
    });
  }

  /** A client's value in a message: at most 100 characters, control characters escaped. */
  public static String shown(String raw) {
    StringBuilder b = new StringBuilder();
    raw.codePoints().limit(100).forEach(c -> {
      if (Character.isISOControl(c)) {
        b.append(String.format("\\u%04x", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return raw.codePointCount(0, raw.length()) > 100 ? b + "..." : b.toString();
  }

  private static BadRequest invalid(String message) {
    return new BadRequest("invalid_parameter", message);
  }
}
