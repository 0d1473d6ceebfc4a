package io.readside.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aLineShowsTheBarCountsRateAndEta() {
    ProgressBar bar = new ProgressBar(new PrintWriter(new StringWriter()), false, 0);
    assertEquals("[###############...............] 500 / 1,000 events  50%  250/s  ETA 2 s  (2 s)",
        bar.line(500, 1000, null, 2 * SECOND));
    assertEquals("[..............................] 0 / 40 events   0%  0/s  ETA -  (3 s)  slice 2 is paused",
        bar.line(0, 40, "slice 2 is paused", 3 * SECOND));
    assertEquals("[##############################] 40 / 40 events 100%  10/s  done  (4 s)", bar.line(40, 40, null, 4 * SECOND));
  }

  @Test
  void intoAFileItWritesALineAtMostEveryFiveSecondsAndAlwaysTheLast() {
    StringWriter out = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(out), false, 0);
    bar.update(1, 10, null, SECOND);
    bar.update(2, 10, null, 2 * SECOND);
    bar.update(7, 10, null, 7 * SECOND);
    bar.finish(10, 10, null);
    assertEquals(3, out.toString().lines().count(), out.toString());
  }

  @Test
  void onATerminalItRedrawsOneLineInPlace() {
    StringWriter out = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(out), true, 0);
    bar.update(1, 10, "a long note about slice 3", SECOND);
    bar.update(2, 10, null, 2 * SECOND);
    bar.finish(10, 10, null);
    String text = out.toString();
    assertEquals(3, text.chars().filter(c -> c == '\r').count(), text);
    assertEquals(1, text.chars().filter(c -> c == '\n').count(), "one line, ended once: " + text);
    assertEquals(true, text.contains("\r[##############################] 10 / 10 events 100%"), text);
  }
}
