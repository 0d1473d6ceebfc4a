package io.readside.ops;

import io.readside.projections.admin.OffsetMigration;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `readside migrate-offsets --to horizon|events-by-tag`: converts every stored offset for the other
 * event source, with the worker stopped. Prints what each slice would skip or replay; refuses to
 * write when any would, unless --force. Exit 0: done (or nothing to do); 3: refused; 4: worker running.
 */
@Command(
    name = "migrate-offsets",
    description = "Converts stored projection offsets between the event sources (readside.worker.source). Stop the worker first.")
final class MigrateOffsetsCommand extends DatabaseCommand {
  @Option(names = "--to", required = true, description = "horizon or events-by-tag")
  String to;

  @Option(names = "--dry-run", description = "Print the plan, change nothing.")
  boolean dryRun;

  @Option(names = "--force", description = "Write even if a slice would skip or replay events.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    OffsetMigration.Target target = switch (to) {
      case "horizon" -> OffsetMigration.Target.HORIZON;
      case "events-by-tag" -> OffsetMigration.Target.EVENTS_BY_TAG;
      default -> throw new IllegalArgumentException("--to must be horizon or events-by-tag, not " + to);
    };
    PrintWriter out = out();
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      // Offsets move under running instances, and an instance of the other source cannot read them.
      c.createStatement().execute("LOCK TABLE pekko_projection_offset_store IN EXCLUSIVE MODE");
      List<String> running = OffsetMigration.running(c);
      if (!running.isEmpty() && !dryRun) {
        out.println("the worker is running (" + String.join(", ", running) + "); stop it first");
        c.rollback();
        return 4;
      }
      List<OffsetMigration.Change> plan = OffsetMigration.plan(c, target);
      long skipped = 0;
      long replayed = 0;
      for (OffsetMigration.Change ch : plan) {
        out.printf("%-16s %-9s %s -> %s%s%n", ch.projection(), ch.tag(), ch.from(), ch.to(),
            ch.moves() ? "  skips " + ch.skipped() + ", replays " + ch.replayed() : "  " + ch.note());
        skipped += ch.skipped();
        replayed += ch.replayed();
      }
      if (dryRun) {
        c.rollback();
        out.println("dry run: nothing changed");
        return 0;
      }
      if ((skipped > 0 || replayed > 0) && !force) {
        c.rollback();
        out.printf("refused: %d event(s) would be skipped and %d replayed; retry in a moment, or --force (then rebuild"
            + " item-popularity and daily-sales if anything is replayed)%n", skipped, replayed);
        return 3;
      }
      OffsetMigration.apply(c, plan, target);
      c.commit();
      out.println("migrated " + plan.stream().filter(OffsetMigration.Change::moves).count() + " offset(s); now start the worker with"
          + " READSIDE_WORKER_SOURCE=" + to);
      return 0;
    }
  }
}
