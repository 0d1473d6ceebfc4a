package io.readside.projections.cartsummary;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.readside.events.CartEvent.ItemAdded;
import io.readside.events.CartEvent.ItemQuantityAdjusted;
import io.readside.platform.TestSql;
import io.readside.projections.ProjectionRig;
import io.readside.projections.Projections;
import io.readside.projections.SequencedEvent;
import io.readside.projections.SliceWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** cart-summary on PostgreSQL: through the worker's machinery, and its writer replaying what it applied. */
class CartSummaryProjectionIT {
  private static final int SLICE = 3;
  private static final SliceWriter WRITER = Projections.CART_SUMMARY.writer();
  @RegisterExtension static final ProjectionRig rig = ProjectionRig.withMigrations();

  @Test
  void holdsEachCartsLinesTotalsAndStatus() {
    rig.run(
        Projections.CART_SUMMARY,
        SLICE,
        ProjectionRig.threeCarts(),
        () -> {
          assertEquals(
              List.of(
                  Map.of("cart_id", "a", "status", "checked_out", "line_count", 2, "total_quantity", 4, "total_cents", 350L, "last_seq_nr", 4L, "slice", SLICE),
                  Map.of("cart_id", "b", "status", "open", "line_count", 1, "total_quantity", 5, "total_cents", 500L, "last_seq_nr", 3L, "slice", SLICE),
                  Map.of("cart_id", "c", "status", "checked_out", "line_count", 1, "total_quantity", 1, "total_cents", 20L, "last_seq_nr", 2L, "slice", SLICE)),
              TestSql.rows(rig.db(), "SELECT cart_id, status, line_count, total_quantity, total_cents, last_seq_nr, slice FROM read_model.cart_summary WHERE cart_id IN ('a', 'b', 'c') ORDER BY cart_id"));
          assertEquals(
              List.of(
                  Map.of("cart_id", "a", "item_id", "apple", "quantity", 3, "unit_price_cents", 100L),
                  Map.of("cart_id", "a", "item_id", "pear", "quantity", 1, "unit_price_cents", 50L),
                  Map.of("cart_id", "b", "item_id", "apple", "quantity", 5, "unit_price_cents", 100L),
                  Map.of("cart_id", "c", "item_id", "plum", "quantity", 1, "unit_price_cents", 20L)),
              TestSql.rows(rig.db(), "SELECT cart_id, item_id, quantity, unit_price_cents FROM read_model.cart_line WHERE cart_id IN ('a', 'b', 'c') ORDER BY cart_id, item_id"));
        });
  }

  @Test
  void theSameEnvelopeAppliedTwiceChangesNothing() throws Exception {
    List<SequencedEvent> events =
        List.of(
            new SequencedEvent(1, new ItemAdded("dup", "apple", 2, 100, ProjectionRig.DAY1)),
            new SequencedEvent(2, new ItemQuantityAdjusted("dup", "apple", 2, 7, ProjectionRig.DAY1)));
    try (Connection c = rig.pool().getConnection()) {
      WRITER.write(c, SLICE, events);
      List<Map<String, Object>> once = dupRows();
      // The same envelopes again (a redelivery after a crash, a rewind), alone and in a later group.
      WRITER.write(c, SLICE, events);
      WRITER.write(c, SLICE, List.of(events.get(0)));
      assertEquals(once, dupRows());
      assertEquals(7, once.get(0).get("total_quantity"));
    }
  }

  private static List<Map<String, Object>> dupRows() {
    return TestSql.rows(
        rig.db(),
        "SELECT s.*, l.item_id, l.quantity FROM read_model.cart_summary s JOIN read_model.cart_line l USING (cart_id) WHERE cart_id = 'dup'");
  }

  @Test
  void neverMovesACartBackwardsWhenAStaleGroupCommitsLate() throws Exception {
    try (Connection owner = rig.pool().getConnection(); Connection stale = rig.pool().getConnection()) {
      WRITER.write(owner, SLICE, List.of(new SequencedEvent(1, new ItemAdded("mono", "apple", 1, 100, ProjectionRig.DAY1))));
      owner.setAutoCommit(false);
      stale.setAutoCommit(false);
      int stalePid = backendPid(stale);
      // The owner applies seqNr 2 and 3 but has not committed yet ...
      WRITER.write(
          owner,
          SLICE,
          List.of(
              new SequencedEvent(2, new ItemQuantityAdjusted("mono", "apple", 1, 5, ProjectionRig.DAY1)),
              new SequencedEvent(3, new ItemAdded("mono", "pear", 2, 50, ProjectionRig.DAY1))));
      // ... while a stale writer applies seqNr 2 again, from an older view of the cart.
      CompletableFuture<Void> staleWrite =
          CompletableFuture.runAsync(
              () -> {
                try {
                  WRITER.write(
                      stale, SLICE, List.of(new SequencedEvent(2, new ItemQuantityAdjusted("mono", "apple", 1, 5, ProjectionRig.DAY1))));
                  stale.commit();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      // The stale writer must be waiting on the owner's row lock before the owner commits.
      await().atMost(Duration.ofSeconds(10)).until(() -> blockersOf(stalePid) > 0);
      owner.commit();
      staleWrite.get(10, TimeUnit.SECONDS);
    }
    assertEquals(
        List.of(Map.of("last_seq_nr", 3L, "line_count", 2, "total_quantity", 7)),
        TestSql.rows(rig.db(), "SELECT last_seq_nr, line_count, total_quantity FROM read_model.cart_summary WHERE cart_id = 'mono'"));
  }

  private static int backendPid(Connection c) throws Exception {
    try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static int blockersOf(int pid) {
    return ((Number) TestSql.rows(rig.db(), "SELECT cardinality(pg_blocking_pids(?)) AS n", pid).get(0).get("n")).intValue();
  }
}
