package io.readside.readapi;

import io.readside.platform.BadRequest;
import io.readside.platform.Ids;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns query parameters into values, or a 400 that names the parameter and what it takes. Checked
 * before any query runs: the database never sees a value outside these ranges.
 */
final class QueryParameters {
  /** ASCII digits only: Long.parseLong would also take "+5" and Arabic-Indic or full-width digits. */
  private static final Pattern WHOLE_NUMBER = Pattern.compile("-?[0-9]{1,19}");
  private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  static final LocalDate FIRST_DAY = LocalDate.of(1970, 1, 1);
  static final LocalDate LAST_DAY = LocalDate.of(9999, 12, 31);

  private QueryParameters() {}

  static long longIn(String name, Optional<String> raw, long fallback, long min, long max) {
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      if (WHOLE_NUMBER.matcher(raw.get()).matches()) {
        long value = Long.parseLong(raw.get());
        if (value >= min && value <= max) {
          return value;
        }
      }
    } catch (NumberFormatException e) {
      // 19 digits beyond Long.MAX_VALUE: the same message as an out-of-range number
    }
    throw new BadRequest("invalid_parameter", name + " must be a whole number from " + min + " to " + max + ", got '" + shown(raw.get()) + "'");
  }

  /** A UTC day YYYY-MM-DD from 1970-01-01 to 9999-12-31. */
  static Optional<LocalDate> date(String name, Optional<String> raw) {
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    try {
      if (DATE.matcher(raw.get()).matches()) {
        LocalDate day = LocalDate.parse(raw.get());
        if (!day.isBefore(FIRST_DAY) && !day.isAfter(LAST_DAY)) {
          return Optional.of(day);
        }
      }
    } catch (DateTimeParseException e) {
      // e.g. 2026-02-30: the same message as any other bad date
    }
    throw new BadRequest("invalid_parameter", name + " must be a date YYYY-MM-DD from " + FIRST_DAY + " to " + LAST_DAY + ", got '" + shown(raw.get()) + "'");
  }

  static Optional<String> oneOf(String name, Optional<String> raw, Set<String> allowed) {
    if (raw.isPresent() && !allowed.contains(raw.get())) {
      throw new BadRequest("invalid_parameter", name + " must be one of " + String.join(", ", allowed.stream().sorted().toList()) + ", got '" + shown(raw.get()) + "'");
    }
    return raw;
  }

  /** An optional cart id parameter (the {@code after} cursor), by the cart id rule. */
  static Optional<String> id(String name, Optional<String> raw) {
    if (raw.isPresent() && !Ids.isValid(raw.get())) {
      throw new BadRequest("invalid_parameter", name + " must be a cart id: " + Ids.RULE);
    }
    return raw;
  }

  /** A client's value in a message: at most 100 characters, control characters escaped. */
  static String shown(String raw) {
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
}
