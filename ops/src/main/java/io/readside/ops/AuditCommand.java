package io.readside.ops;

import io.readside.projections.admin.CompletenessAudit;
import java.io.PrintWriter;
import java.sql.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `readside audit`: the completeness audit straight against DATABASE_URL; works with the worker down. */
@Command(
    name = "audit",
    description = "Reports events the event source skipped and every projection that misses them. Exit 0: complete; 3: skipped events found.")
final class AuditCommand extends DatabaseCommand {
  static final int SKIPPED = 3;

  @Option(names = "--json", description = "Print the full report as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    CompletenessAudit.Report report;
    // Not read-only: the audit records the skips it proves, so that a later rebuild of one
    // projection does not erase what the others still need.
    try (Connection c = connect()) {
      report = CompletenessAudit.run(c);
    }
    PrintWriter out = out();
    if (json) {
      printJson(report);
    } else {
      out.printf("checked %d carts, %d events the projection has moved past: %d cart(s) with skipped events%n",
          report.cartsChecked(), report.eventsBehindOffsets(), report.skippedCarts());
      for (CompletenessAudit.SkippedEvent e : report.skippedEvents()) {
        out.printf("  %s seqNr %d (slice %d, journal ordering %s) [%s]: missed by %s%n",
            e.cartId(), e.seqNr(), e.slice(), e.journalOrdering() == null ? "?" : e.journalOrdering().toString(), e.how(),
            String.join(", ", e.projections()));
      }
      if (!report.repairs().isEmpty()) {
        out.println("Repair (each replays its slice from the journal as it is now):");
        for (CompletenessAudit.Repair r : report.repairs()) {
          out.printf("  readside admin rebuild %s --slice %d%n", r.projection(), r.slice());
        }
      }
    }
    return report.skippedCarts() == 0 ? 0 : SKIPPED;
  }
}
