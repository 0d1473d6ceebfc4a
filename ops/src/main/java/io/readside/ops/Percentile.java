package io.readside.ops;

import java.util.List;

/** The bench's one percentile rule: the value at floor(p x n) of a sorted sample, NaN for none. */
final class Percentile {
  private Percentile() {}

  static double of(List<Double> sorted, double p) {
    return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
  }
}
