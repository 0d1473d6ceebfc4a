package io.readside.ops;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.readside.platform.DatabaseSettings;
import io.readside.writeside.CartCommand;
import io.readside.writeside.CartReply;
import io.readside.writeside.ShoppingCart;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The {@code write} scenario of {@code readside bench}: commands to the sharded persistent carts,
 * each yielding one event, and the rate at which their events are persisted (acknowledged after
 * the journal's commit), for the tuned configuration and, in the same run, the textbook one (one
 * command at a time, the journal's defaults). Each configuration runs on a write node of its own
 * over the same database, on carts of its own; the events in the journal are counted after.
 */
final class WriteScenario {
  /** A configuration of the write side: its journal settings and how many commands it has in flight. */
  record Setup(String name, String description, Map<String, String> overrides, int inFlight, int events) {}

  /**
   * Batched inserts rewritten as multi-row INSERTs on the journal's connections: the journal writes
   * an event and its tag row per event, and pekko-persistence-jdbc batches the events of many
   * carts into one transaction (jdbc-journal.batchSize); pgjdbc then sends each batch as a few
   * statements instead of one per row.
   */
  static final Map<String, String> TUNED_JOURNAL =
      Map.of("pekko-persistence-jdbc.shared-databases.slick.db.properties.reWriteBatchedInserts", "true");

  private WriteScenario() {}

  static List<Setup> setups(int events, int inFlight, int textbookEvents) {
    return List.of(
        new Setup("tuned", inFlight + " commands in flight, batched journal inserts rewritten multi-row", TUNED_JOURNAL,
            inFlight, events),
        new Setup("textbook", "one command at a time, the journal's defaults", Map.of(), 1, textbookEvents));
  }

  static List<BenchRow> run(List<Setup> setups, int carts, Config base, DatabaseSettings db, PrintWriter out, PrintWriter err)
      throws Exception {
    List<BenchRow> rows = new ArrayList<>();
    double tunedRate = Double.NaN;
    double textbookRate = Double.NaN;
    for (Setup setup : setups) {
      Config config = ConfigFactory.parseMap(setup.overrides()).withFallback(base);
      String prefix = "w-" + setup.name() + "-" + System.currentTimeMillis() + "-";
      try (ReadsideNode node = ReadsideNode.start(config, db, EnumSet.of(Role.WRITE))) {
        // Unmeasured: the JIT and the first carts' recovery would otherwise count against whoever goes first.
        send(node, prefix + "warm-", Math.min(setup.events(), 2_000), carts, setup.inFlight(), null);
        out.printf("[write %s] %,d events over %,d carts, %d in flight (%s) ...%n", setup.name(), setup.events(), carts,
            setup.inFlight(), setup.description());
        out.flush();
        double seconds = send(node, prefix, setup.events(), carts, setup.inFlight(), err);
        long persisted = persisted(db, prefix);
        if (persisted != setup.events()) {
          throw new IllegalStateException(setup.name() + ": " + setup.events() + " commands accepted but " + persisted
              + " events in the journal with their tag");
        }
        BenchRow row = BenchRow.timed("write", setup.name(), "events persisted, " + setup.inFlight() + " in flight", persisted,
            seconds, "events/s");
        rows.add(row);
        if (setup.name().equals("tuned")) {
          tunedRate = persisted / seconds;
        } else if (setup.name().equals("textbook")) {
          textbookRate = persisted / seconds;
        }
      }
    }
    if (!Double.isNaN(tunedRate) && !Double.isNaN(textbookRate)) {
      rows.add(BenchRow.ratio("write", "events persisted/s, tuned / textbook", tunedRate / textbookRate));
    }
    return rows;
  }

  /**
   * Sends {@code count} commands, at most {@code inFlight} unanswered, and waits for every reply:
   * adds, then adjustments, in round-robin carts (every command yields one event). Seconds taken.
   * {@code progress}: where a line per tenth goes, or null.
   */
  static double send(ReadsideNode node, String cartPrefix, int count, int carts, int inFlight, PrintWriter progress)
      throws Exception {
    ClusterSharding sharding = ClusterSharding.get(node.system());
    Semaphore permits = new Semaphore(inFlight);
    List<CompletableFuture<?>> pending = new ArrayList<>();
    AtomicReference<IllegalStateException> failure = new AtomicReference<>();
    int tenth = Math.max(1, count / 10);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      if (progress != null && i > 0 && i % tenth == 0) {
        // Sent, with at most inFlight still unanswered: the progress of the write phase.
        progress.printf("  %,d / %,d events sent (%.0f/s)%n", i, count, i / ((System.nanoTime() - start) / 1e9));
        progress.flush();
      }
      String cart = cartPrefix + (i % carts);
      int round = i / carts;
      int item = round / 2;
      CartCommandFactory factory = round % 2 == 0
          ? replyTo -> new CartCommand.AddItem("item-" + item, 1 + item % 5, 100 + item, replyTo)
          : replyTo -> new CartCommand.AdjustItemQuantity("item-" + item, 6 + item % 5, replyTo);
      permits.acquire();
      pending.add(sharding.entityRefFor(ShoppingCart.ENTITY_KEY, cart).ask(factory::create, Duration.ofSeconds(30))
          .whenComplete((reply, error) -> {
            permits.release();
            if (error != null || !(reply instanceof CartReply.Accepted)) {
              failure.compareAndSet(null, new IllegalStateException("bench command to " + cart + " failed: "
                  + (error != null ? error : reply)));
            }
          }).toCompletableFuture());
      // Completed ones are dropped as we go (a failure is kept above), so a long run holds few futures.
      if (pending.size() >= 4 * inFlight + 1024) {
        pending.removeIf(CompletableFuture::isDone);
      }
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((v, e) -> null).get(30, TimeUnit.MINUTES);
    if (failure.get() != null) {
      throw failure.get();
    }
    return (System.nanoTime() - start) / 1e9;
  }

  @FunctionalInterface
  interface CartCommandFactory {
    CartCommand create(ActorRef<CartReply> replyTo);
  }

  /** Events of these carts in the journal, each with its tag row. */
  private static long persisted(DatabaseSettings db, String cartPrefix) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        PreparedStatement ps = c.prepareStatement("""
            SELECT count(*) FROM event_journal j JOIN event_tag t ON t.event_id = j.ordering
             WHERE j.persistence_id LIKE ? AND j.persistence_id NOT LIKE ?""")) {
      ps.setString(1, ShoppingCart.ENTITY_KEY.name() + "|" + cartPrefix + "%");
      ps.setString(2, ShoppingCart.ENTITY_KEY.name() + "|" + cartPrefix + "warm-%");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
