package io.readside.readapi;

import io.readside.platform.BadRequest;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/** Turns query parameters into values, or a 400 that names the parameter and what it takes. */
final class QueryParameters {
  private QueryParameters() {}

  static long longIn(String name, Optional<String> raw, long fallback, long min, long max) {
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(raw.get().trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // falls through to the same message as an out-of-range number
    }
    throw new BadRequest("invalid_parameter", name + " must be a whole number from " + min + " to " + max + ", got '" + raw.get() + "'");
  }

  static Optional<LocalDate> date(String name, Optional<String> raw) {
    try {
      return raw.map(String::trim).map(LocalDate::parse);
    } catch (DateTimeParseException e) {
      throw new BadRequest("invalid_parameter", name + " must be a date YYYY-MM-DD, got '" + raw.orElse("") + "'");
    }
  }

  static Optional<String> oneOf(String name, Optional<String> raw, Set<String> allowed) {
    if (raw.isPresent() && !allowed.contains(raw.get())) {
      throw new BadRequest("invalid_parameter", name + " must be one of " + String.join(", ", allowed.stream().sorted().toList()) + ", got '" + raw.get() + "'");
    }
    return raw;
  }
}
