package io.readside.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One row of {@code readside bench}'s table and of its JSON: every scenario returns a list of
 * these, and {@link BenchReport} prints and writes them. {@code figure} and {@code rate} are the
 * table's text; {@code values} the same figures as numbers with their units, for the JSON.
 *
 * @param scenario write, catch-up, lag, read or rebuild
 * @param config   the configuration measured (tuned, textbook, a source name, ...), or the
 *                 scenario's name where there is one configuration
 * @param count    how many events, requests or samples the figure is over
 */
record BenchRow(String scenario, String config, String measure, long count, String figure, String rate, List<Value> values) {
  /** A number with its unit, e.g. (seconds, 2.28, "s") or (rate, 45283, "events/s"). */
  record Value(String name, double value, String unit) {}

  BenchRow {
    values = List.copyOf(values);
  }

  /** {@code count} things in {@code seconds}: the time and the rate in {@code unit} (e.g. events/s). */
  static BenchRow timed(String scenario, String config, String measure, long count, double seconds, String unit) {
    return new BenchRow(scenario, config, measure, count, String.format("%.2f s", seconds), String.format("%.0f", count / seconds),
        List.of(new Value("seconds", seconds, "s"), new Value("rate", count / seconds, unit)));
  }

  /** How many times {@code better} beats {@code worse} (rates: better / worse). */
  static BenchRow ratio(String scenario, String measure, double times) {
    return new BenchRow(scenario, "tuned/textbook", measure, 0, String.format("%.1fx", times), "",
        List.of(new Value("ratio", times, "x")));
  }

  private static final Pattern NAMED = Pattern.compile("([a-z][a-z0-9]*) ([0-9.]+)");
  private static final Pattern SECONDS = Pattern.compile("([0-9.]+) s");

  /**
   * A row of the five text columns the catch-up and read scenarios print (source, measure, count,
   * time / figure, rate), with its numbers read back for the JSON: "2.28 s" is seconds; "p50 5.8
   * p99 23.5 max 35" are named values in the unit the measure ends with (", ms"); the rate is
   * events/s, requests/s for an HTTP route, or a ratio when it ends in x.
   */
  static BenchRow fromColumns(String scenario, String[] columns) {
    String measure = columns[1];
    String figure = columns[3];
    String rate = columns[4];
    List<Value> values = new ArrayList<>();
    Matcher seconds = SECONDS.matcher(figure);
    if (seconds.matches()) {
      values.add(new Value("seconds", Double.parseDouble(seconds.group(1)), "s"));
    } else {
      String unit = measure.endsWith(", ms") ? "ms" : "";
      Matcher named = NAMED.matcher(figure);
      while (named.find()) {
        values.add(new Value(named.group(1), Double.parseDouble(named.group(2)), unit));
      }
    }
    if (rate.endsWith("x")) {
      values.add(new Value("ratio", Double.parseDouble(rate.substring(0, rate.length() - 1)), "x"));
    } else if (!rate.isBlank()) {
      values.add(new Value("rate", Double.parseDouble(rate), measure.startsWith("GET ") ? "requests/s" : "events/s"));
    }
    return new BenchRow(scenario, columns[0], measure, Long.parseLong(columns[2]), figure, rate, values);
  }

  /** The five columns again, as the table prints them. */
  String[] columns() {
    return new String[] {config, measure, String.valueOf(count), figure, rate};
  }
}
