package io.readside.ops;

import java.io.Console;
import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr: {@code [#######.......] 1,234 / 5,000 events  812/s  ETA 5 s}.
 * On a terminal it redraws the line in place; into a file or a pipe it writes a line at most
 * every {@link #LINE_EVERY_NANOS}, so a CI log is not flooded with redraws.
 */
final class ProgressBar {
  private static final int WIDTH = 30;
  private static final long LINE_EVERY_NANOS = 5_000_000_000L;

  private final PrintWriter err;
  private final boolean terminal;
  private final long startNanos;
  private boolean drawn;
  private long lastLineNanos;
  private int lastLength;

  ProgressBar(PrintWriter err, boolean terminal) {
    this(err, terminal, System.nanoTime());
  }

  ProgressBar(PrintWriter err, boolean terminal, long startNanos) {
    this.err = err;
    this.terminal = terminal;
    this.startNanos = startNanos;
  }

  /** Whether stderr is a terminal; JDK 22+ always has a Console, so ask it (isTerminal) where it can say. */
  static boolean stderrIsTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // JDK 21: a console exists only for a terminal
    }
  }

  /** Draws the bar; {@code note} (e.g. "slice 2 is paused") follows it when not null. */
  void update(long done, long total, String note) {
    update(done, total, note, System.nanoTime());
  }

  void update(long done, long total, String note, long nowNanos) {
    if (!terminal && drawn && nowNanos - lastLineNanos < LINE_EVERY_NANOS) {
      return;
    }
    drawn = true;
    lastLineNanos = nowNanos;
    draw(line(done, total, note, nowNanos), false);
  }

  /** The last state, always written, and the line ended. */
  void finish(long done, long total, String note) {
    draw(line(done, total, note, System.nanoTime()), true);
  }

  private void draw(String line, boolean last) {
    if (terminal) {
      // Pad over a longer previous line; the cursor stays on it until the end.
      err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
      lastLength = line.length();
      if (last) {
        err.println();
      }
    } else {
      err.println(line);
    }
    err.flush();
  }

  String line(long done, long total, String note, long nowNanos) {
    double seconds = (nowNanos - startNanos) / 1e9;
    double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
    int filled = (int) Math.round(fraction * WIDTH);
    double rate = seconds > 0 ? done / seconds : 0;
    String eta = done >= total ? "done" : rate > 0 ? "ETA " + duration((total - done) / rate) : "ETA -";
    return String.format("[%s%s] %,d / %,d events %3.0f%%  %,.0f/s  %s  (%s)%s",
        "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, fraction * 100, rate, eta, duration(seconds),
        note == null ? "" : "  " + note);
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s < 60 ? s + " s" : s < 3600 ? s / 60 + " min " + s % 60 + " s" : s / 3600 + " h " + (s % 3600) / 60 + " min";
  }
}
