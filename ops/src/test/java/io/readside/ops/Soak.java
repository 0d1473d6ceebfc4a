package io.readside.ops;

/**
 * How long the fault scenarios run: their short default in the test suite, or longer under
 * {@code ops/bin/readside soak --minutes N} (system property readside.soak.minutes).
 */
final class Soak {
  private Soak() {}

  static int minutes() {
    return Integer.getInteger("readside.soak.minutes", 0);
  }

  /** The default count, or as many as fit in the soak's minutes at {@code perMinute}. */
  static int count(int byDefault, int perMinute) {
    return Math.max(byDefault, minutes() * perMinute);
  }
}
