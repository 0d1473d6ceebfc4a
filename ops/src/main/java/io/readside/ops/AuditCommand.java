package io.readside.ops;

import io.readside.platform.DatabaseSettings;
import io.readside.platform.Json;
import io.readside.platform.ReadsideConfig;
import io.readside.projections.admin.CompletenessAudit;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `readside audit`: the completeness audit straight against DATABASE_URL; works with the worker down. */
@Command(
    name = "audit",
    description = "Reports carts whose events cart-summary skipped. Exit 0: complete; 3: skipped events found.")
final class AuditCommand implements Callable<Integer> {
  static final int SKIPPED = 3;

  @Option(names = "--json", description = "Print the full report as JSON.")
  boolean json;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    DatabaseSettings db = DatabaseSettings.fromConfig(ReadsideConfig.load());
    CompletenessAudit.Report report;
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      c.setReadOnly(true);
      report = CompletenessAudit.run(c);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    } else {
      out.printf("checked %d carts, %d events the projection has moved past: %d cart(s) with skipped events%n",
          report.cartsChecked(), report.eventsBehindOffsets(), report.skippedCarts());
      for (CompletenessAudit.SkippedCart s : report.skipped()) {
        out.printf("  %s (slice %d): journal at seqNr %d, applied %d, missing %s [%s]%n",
            s.cartId(), s.slice(), s.journalSeqNr(), s.appliedSeqNr(), s.missingSeqNrs(), s.how());
      }
      if (report.skippedCarts() > 0) {
        out.println("Repair: readside admin rebuild cart-summary --slice <slice> (replays the journal as it is now).");
      }
    }
    return report.skippedCarts() == 0 ? 0 : SKIPPED;
  }
}
