package io.readside.events;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the one form the events' instants are written in ({@code DateTimeFormatter.ISO_INSTANT}:
 * {@code 2026-12-01T07:28:34.326600Z}, 0 to 9 fraction digits) without the general formatter,
 * which took a third of a catch-up's event deserialization (JFR, issue 13). Anything else gives
 * null, and the caller falls back to the library's parser, which accepts (or rejects) the rest.
 */
final class IsoInstants {
  private static final int[] NANOS_PER_DIGIT = {100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

  private IsoInstants() {}

  /** The instant {@code text} names, or null when it is not in the canonical form. */
  static Instant parse(String text) {
    int n = text.length();
    if (n < 20 || n == 21 || n > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
        || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(n - 1) != 'Z') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 7);
    int day = digits(text, 8, 10);
    int hour = digits(text, 11, 13);
    int minute = digits(text, 14, 16);
    int second = digits(text, 17, 19);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    int nanos = 0;
    if (n > 20) {
      int fraction = digits(text, 20, n - 1);
      if (text.charAt(19) != '.' || fraction < 0) {
        return null;
      }
      nanos = fraction * NANOS_PER_DIGIT[n - 22];
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null; // 30 February and the like: the library's parser says what is wrong
    }
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The decimal number in text[from, to), or -1 if a character is not a digit. */
  private static int digits(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
