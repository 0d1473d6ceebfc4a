package io.readside.ops;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The lag scenario's part of the bench's table and JSON, and its own table. */
final class LagReport {
  private LagReport() {}

  /** One lag configuration's result as a row: the lag percentiles in the table, every column of the lag table in the JSON. */
  static BenchRow row(LagScenario.Result r) {
    List<BenchRow.Value> values = List.of(
        new BenchRow.Value("sent", r.sent(), "adds"), new BenchRow.Value("acknowledged", r.acknowledged(), "adds"),
        new BenchRow.Value("failed", r.failed(), "adds"), new BenchRow.Value("journal", r.journalRows(), "events"),
        new BenchRow.Value("rate", r.acknowledged() / r.seconds(), "adds/s"), new BenchRow.Value("sampled", r.sampled(), "adds"),
        new BenchRow.Value("visible", r.lagsMs().size(), "adds"), new BenchRow.Value("p50", r.pct(0.50), "ms"),
        new BenchRow.Value("p99", r.pct(0.99), "ms"), new BenchRow.Value("max", r.max(), "ms"),
        new BenchRow.Value("late", r.notVisible(), "adds"),
        new BenchRow.Value("loadTransactions", r.loadTransactionsPerSecond(), "tx/s"),
        new BenchRow.Value("cpu", r.cpuPercent(), "% of a core"),
        new BenchRow.Value("idleTransactions", r.idleTransactionsPerSecond(), "tx/s"));
    return new BenchRow("lag", r.setup().name, "end-to-end lag (reply -> read API), ms", r.sampled(),
        String.format("p50 %.0f  p99 %.0f  max %.0f", r.pct(0.50), r.pct(0.99), r.max()),
        String.format("%.0f", r.acknowledged() / r.seconds()), values);
  }

  /** Where one configuration's sampled lags went (LagStages), a row a stage. */
  static List<BenchRow> stageRows(LagScenario.Result r) {
    return r.stages().stages().stream().map(s -> new BenchRow("lag", r.setup().name, "stage: " + s.name() + ", ms", s.count(),
        String.format("p50 %.1f  p99 %.1f", s.p50(), s.p99()), "",
        List.of(new BenchRow.Value("p50", s.p50(), "ms"), new BenchRow.Value("p99", s.p99(), "ms")))).toList();
  }

  /** The lag table, each configuration's stages, and how the tuned one compares with the others. */
  static void print(PrintWriter out, List<LagScenario.Result> results) {
    out.println();
    out.printf("%-14s %7s %7s %6s %7s %7s %7s %7s %7s %7s %7s %5s %9s %6s %9s%n", "lag config", "sent", "acked", "failed",
        "journal", "adds/s", "sampled", "visible", "p50 ms", "p99 ms", "max ms", "late", "load tx/s", "cpu %", "idle tx/s");
    for (LagScenario.Result r : results) {
      out.printf("%-14s %7d %7d %6d %7d %7.0f %7d %7d %7.0f %7.0f %7.0f %5d %9.0f %6.0f %9.1f%n", r.setup().name, r.sent(),
          r.acknowledged(), r.failed(), r.journalRows(), r.acknowledged() / r.seconds(), r.sampled(), r.lagsMs().size(),
          r.pct(0.50), r.pct(0.99),
          r.max(), r.notVisible(), r.loadTransactionsPerSecond(), r.cpuPercent(), r.idleTransactionsPerSecond());
    }
    out.printf("journal: the adds' events in the journal; lag: write reply -> GET /carts/{id}?minSeqNr= answers; late: not visible within 10 s; load tx/s: database "
        + "transactions per second under the load; cpu %%: the bench's JVMs together (write side, worker, read API, load) over the load, "
        + "100 = one core; idle: pg_stat_database commits + rollbacks per second, nothing written, projections caught up%n");
    for (LagScenario.Result r : results) {
      out.printf("%s: where the sampled lags went (p50 / p99 ms, each stage's own percentiles):", r.setup().name);
      r.stages().stages().forEach(st -> out.printf(" %s %.1f / %.1f;", st.name(), st.p50(), st.p99()));
      r.stages().note().ifPresent(note -> out.print(" " + note));
      out.println();
    }
    LagScenario.Result tuned = results.stream().filter(r -> r.setup() == LagScenario.Setup.TUNED).findFirst()
        .orElse(results.getFirst());
    for (LagScenario.Result r : results) {
      if (r != tuned) {
        out.printf("%s vs %s: p99 lag %.1fx lower%s%n", tuned.setup().name, r.setup().name, r.pct(0.99) / tuned.pct(0.99),
            Double.isNaN(r.idleTransactionsPerSecond()) ? ""
                : String.format(", idle load %.1fx lower", r.idleTransactionsPerSecond() / tuned.idleTransactionsPerSecond()));
      }
    }
  }

  /** How many times textbook's p99 lag (and idle load, if measured) is tuned's. */
  static List<BenchRow> ratioRows(List<LagScenario.Result> results, boolean idleMeasured) {
    LagScenario.Result tuned = results.stream().filter(r -> r.setup() == LagScenario.Setup.TUNED).findFirst().orElse(null);
    LagScenario.Result textbook = results.stream().filter(r -> r.setup() == LagScenario.Setup.TEXTBOOK).findFirst().orElse(null);
    List<BenchRow> rows = new ArrayList<>();
    if (tuned != null && textbook != null) {
      rows.add(BenchRow.ratio("lag", "p99 lag, textbook / tuned", textbook.pct(0.99) / tuned.pct(0.99)));
      if (idleMeasured) {
        rows.add(BenchRow.ratio("lag", "idle tx/s, textbook / tuned", textbook.idleTransactionsPerSecond() / tuned.idleTransactionsPerSecond()));
      }
    }
    return rows;
  }
}
