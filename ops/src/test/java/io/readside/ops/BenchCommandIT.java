package io.readside.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A small `readside bench` run, so the benchmark keeps working; real figures come from the full run. */
class BenchCommandIT {

  @Test
  void benchWritesCatchesUpAndPrintsItsTable() throws Exception {
    Jar.Result result = Jar.run(Map.of(), "bench", "--events", "600", "--carts", "30", "--lag-samples", "10");
    assertEquals(0, result.exit(), result.output());
    String out = result.output();
    // What it is doing, as it goes.
    assertTrue(out.contains("starting an embedded PostgreSQL 17"), out);
    assertTrue(out.matches("(?s).*  [0-9,]+ / 600 events sent \\([0-9]+/s\\).*"), out);
    assertTrue(out.contains("write through persistent carts"), out);
    assertTrue(out.contains("catch-up, each of 3 projections"), out);
    assertTrue(out.contains("end-to-end lag (reply -> read API), ms"), out);
    assertTrue(out.matches("(?s).*catch-up, each of 3 projections\\s+600\\s+[0-9.]+ s\\s+[0-9]+.*"), out);
    // Both event sources, side by side, over the same journal.
    assertTrue(out.matches("(?s).*events-by-tag\\s+catch-up, each of 3 projections\\s+600\\s.*"), out);
    assertTrue(out.matches("(?s).*horizon\\s+catch-up, each of 3 projections\\s+600\\s.*"), out);
    assertTrue(out.matches("(?s).*horizon\\s+end-to-end lag.*"), out);
  }
}
