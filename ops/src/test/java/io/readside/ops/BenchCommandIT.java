package io.readside.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small `readside bench` run, so the benchmark keeps working; real figures come from the full run. */
class BenchCommandIT {

  @TempDir
  Path dir;

  /** The JSON report's rows of one scenario. */
  private static List<JsonNode> rows(JsonNode report, String scenario) {
    List<JsonNode> rows = new ArrayList<>();
    report.get("rows").forEach(r -> {
      if (r.get("scenario").asText().equals(scenario)) {
        rows.add(r);
      }
    });
    return rows;
  }

  private static JsonNode row(JsonNode report, String scenario, String config, String measureStart) {
    return rows(report, scenario).stream()
        .filter(r -> r.get("config").asText().equals(config) && r.get("measure").asText().startsWith(measureStart))
        .findFirst().orElseThrow(() -> new AssertionError(scenario + "/" + config + "/" + measureStart + " missing: " + report));
  }

  private static double value(JsonNode row, String name) {
    for (JsonNode v : row.get("values")) {
      if (v.get("name").asText().equals(name)) {
        return v.get("value").asDouble();
      }
    }
    throw new AssertionError(name + " missing in " + row);
  }

  private JsonNode report(Path json) throws Exception {
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    JsonNode machine = report.get("machine");
    assertEquals(Runtime.getRuntime().availableProcessors(), machine.get("cores").asInt(), report.toString());
    assertEquals("embedded (zonky)", machine.get("database").asText(), report.toString());
    assertEquals("off", machine.get("fsync").asText(), report.toString());
    assertTrue(machine.get("postgresVersion").asText().startsWith("17"), report.toString());
    assertTrue(machine.get("maxHeapBytes").asLong() <= 512L * 1024 * 1024, report.toString());
    assertEquals("readside", report.get("commandLine").get(0).asText(), report.toString());
    assertEquals("bench", report.get("commandLine").get(1).asText(), report.toString());
    return report;
  }

  @Test
  void writeScenarioPersistsEveryCommandTunedAndTextbookAndWritesJson() throws Exception {
    Path json = dir.resolve("write.json");
    Jar.Result result = Jar.run(Map.of(), "bench", "--scenario", "write", "--events", "400", "--write-carts", "40",
        "--write-textbook-events", "50", "--json", json.toString());
    assertEquals(0, result.exit(), result.output());
    assertTrue(result.output().contains("[write tuned] 400 events over 40 carts, 256 in flight"), result.output());
    JsonNode report = report(json);
    // The scenario fails unless the journal holds exactly one tagged event per accepted command.
    assertEquals(400, row(report, "write", "tuned", "events persisted").get("count").asLong(), report.toString());
    assertEquals(50, row(report, "write", "textbook", "events persisted, 1 in flight").get("count").asLong(), report.toString());
    assertTrue(value(row(report, "write", "tuned/textbook", "events persisted/s"), "ratio") > 0, report.toString());
    assertTrue(value(row(report, "write", "jvm", "peak heap used after GC"), "peakHeapAfterGc") > 0, report.toString());
  }

  @Test
  void rebuildScenarioSeedsCatchesUpAndRebuildsEveryProjection() throws Exception {
    Path json = dir.resolve("rebuild.json");
    Jar.Result result = Jar.run(Map.of(), "bench", "--scenario", "rebuild", "--rebuild-events", "2000",
        "--rebuild-textbook-events", "200", "--json", json.toString());
    assertEquals(0, result.exit(), result.output());
    JsonNode report = report(json);
    // 200 events seeded for the textbook rebuild, then 1,800 more: every rebuild replays all 2,000.
    assertEquals(200, row(report, "rebuild", "textbook", "seed journal").get("count").asLong(), report.toString());
    assertEquals(200, row(report, "rebuild", "textbook", "rebuild cart-summary (").get("count").asLong(), report.toString());
    assertEquals(1800, row(report, "rebuild", "tuned", "seed journal").get("count").asLong(), report.toString());
    assertEquals(2000, row(report, "rebuild", "tuned", "initial catch-up").get("count").asLong(), report.toString());
    for (String projection : List.of("cart-summary", "item-popularity", "daily-sales")) {
      JsonNode rebuilt = row(report, "rebuild", "tuned", "rebuild " + projection + ", all 8 slices");
      assertEquals(2000, rebuilt.get("count").asLong(), report.toString());
      assertTrue(value(rebuilt, "rate") > 0, report.toString());
    }
    assertTrue(value(row(report, "rebuild", "tuned/textbook", "rebuild cart-summary"), "ratio") > 0, report.toString());
  }

  @Test
  void benchWritesCatchesUpAndPrintsItsTable() throws Exception {
    Path json = dir.resolve("catch-up.json");
    Jar.Result result = Jar.run(Map.of(), "bench", "--scenario", "catch-up", "--events", "600", "--carts", "30", "--lag-samples", "10",
        "--json", json.toString());
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
    // Each later configuration also catches up over the earlier ones' lag samples (10 each).
    assertTrue(out.matches("(?s).*events-by-tag\\s+catch-up, each of 3 projections\\s+610\\s.*"), out);
    assertTrue(out.matches("(?s).*horizon\\s+catch-up, each of 3 projections\\s+600\\s.*"), out);
    assertTrue(out.matches("(?s).*horizon\\s+end-to-end lag.*"), out);
    // The textbook configuration over the same journal, and the ratio.
    assertTrue(out.matches("(?s).*textbook\\s+catch-up, each of 3 projections\\s+620\\s.*"), out);
    JsonNode report = report(json);
    for (String config : List.of("horizon", "events-by-tag", "textbook")) {
      // The same 600 events, plus the lag samples of the configurations before it.
      JsonNode row = row(report, "catch-up", config, "catch-up, each of 3 projections");
      assertTrue(row.get("count").asLong() >= 600, report.toString());
      assertEquals(row.get("count").asDouble() / value(row, "seconds"), value(row, "rate"), 1.0, report.toString());
    }
    assertTrue(value(row(report, "catch-up", "tuned/textbook", "catch-up rate, horizon / textbook"), "ratio") > 0, report.toString());
  }

  @Test
  void lagScenarioPacesItsLoadAndEveryAddAndSampleIsAccountedFor() throws Exception {
    Jar.Result result = Jar.run(Map.of(), "bench", "--scenario", "lag", "--lag-configs", "tuned,textbook", "--lag-rate", "50",
        "--lag-seconds", "2", "--lag-sample-every", "5", "--lag-warm-up-seconds", "0", "--idle-seconds", "2",
        "--json", dir.resolve("lag.json").toString());
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
      // Every visible sample is split into stages by commit timestamps, and the stages keep cause
      // before effect: the reply after the journal's commit, the cart-summary commit after the horizon.
      JsonNode report = new ObjectMapper().readTree(dir.resolve("lag.json").toFile());
      for (String stage : LagStages.NAMES) {
        assertEquals(visible, row(report, "lag", config, "stage: " + stage).get("count").asLong(), out);
      }
      assertTrue(value(row(report, "lag", config, "stage: journal commit -> reply"), "p50") >= 0, out);
      assertTrue(value(row(report, "lag", config, "stage: horizon -> cart-summary commit"), "p50") > 0, out);
    }
    assertTrue(out.contains("tuned vs textbook"), out);
    assertTrue(out.contains("tuned: where the sampled lags went (p50 / p99 ms"), out);
  }

  @Test
  void readSeedsTheJournalBuildsTheReadModelAndLoadsBothRoutes() throws Exception {
    Jar.Result result = Jar.run(Map.of(), "bench", "--scenario", "read", "--items", "2000", "--read-connections", "4",
        "--read-seconds", "1", "--read-warmup-seconds", "1", "--json", dir.resolve("read.json").toString());
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
