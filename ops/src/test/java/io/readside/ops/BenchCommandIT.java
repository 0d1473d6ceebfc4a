package io.readside.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A small `readside bench` run, so the benchmark keeps working; real figures come from the full run. */
class BenchCommandIT {

  @Test
  void benchWritesCatchesUpAndPrintsItsTable() throws Exception {
    Jar.Result result = Jar.run(Map.of(), "bench", "--scenario", "catch-up", "--events", "600", "--carts", "30", "--lag-samples", "10");
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

  @Test
  void lagScenarioPacesItsLoadAndEveryAddAndSampleIsAccountedFor() throws Exception {
    Jar.Result result = Jar.run(Map.of(), "bench", "--scenario", "lag", "--lag-configs", "tuned,textbook", "--lag-rate", "50",
        "--lag-seconds", "2", "--lag-sample-every", "5", "--lag-warm-up-seconds", "0", "--idle-seconds", "2");
    assertEquals(0, result.exit(), result.output());
    String out = result.output();
    for (String config : List.of("tuned", "textbook")) {
      Matcher row = Pattern.compile("(?m)^" + config + "\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+\\d+\\s+(\\d+)\\s+(\\d+)\\s+"
          + "\\S+\\s+\\S+\\s+\\S+\\s+(\\d+)\\s+\\d+\\s+\\d+\\s+[0-9.]+$").matcher(out);
      assertTrue(row.find(), config + " row missing:\n" + out);
      long sent = Long.parseLong(row.group(1));
      long acked = Long.parseLong(row.group(2));
      long failed = Long.parseLong(row.group(3));
      long journal = Long.parseLong(row.group(4));
      long sampled = Long.parseLong(row.group(5));
      long visible = Long.parseLong(row.group(6));
      long late = Long.parseLong(row.group(7));
      assertEquals(100, sent, out);
      assertEquals(sent, acked + failed, out);
      // Every acknowledged add is one journal event; a failed one (503, outcome unknown) may be too.
      assertTrue(journal >= acked && journal <= sent, out);
      assertEquals(20, sampled, out);
      assertEquals(sampled, visible + late, out);
    }
    assertTrue(out.contains("tuned vs textbook"), out);
  }

  @Test
  void readSeedsTheJournalBuildsTheReadModelAndLoadsBothRoutes() throws Exception {
    Jar.Result result = Jar.run(Map.of(), "bench", "--scenario", "read", "--items", "2000", "--read-connections", "4",
        "--read-seconds", "1", "--read-warmup-seconds", "1");
    assertEquals(0, result.exit(), result.output());
    String out = result.output();
    // 200 carts of 10 items, every third (67) checked out: 2,067 events; the scenario itself fails
    // unless the read model then holds exactly 2,000 items, 200 carts and 2,000 lines.
    assertTrue(out.contains("[read] read model: 2,000 items, 200 carts, 2,000 lines"), out);
    assertTrue(out.matches("(?s).*read\\s+seed journal \\(COPY of serialized events\\)\\s+2067\\s.*"), out);
    assertTrue(out.matches("(?s).*read\\s+catch-up, each of 3 projections\\s+2067\\s.*"), out);
    for (String route : new String[] {"GET /carts/\\{id\\}", "GET /items/popular", "GET /items/popular\\?limit=100"}) {
      assertTrue(out.matches("(?s).*read\\s+" + route + ", 4 conn\\., ms\\s+[1-9][0-9]*\\s+p50 [0-9.]+  p99 [0-9.]+  max [0-9]+\\s+[1-9][0-9]*\\n.*"), out);
    }
    assertTrue(out.matches("(?s).*read\\s+top-10 SQL, totals index, ms\\s+200\\s.*"), out);
  }
}
