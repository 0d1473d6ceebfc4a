package io.readside.projections;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariDataSource;
import io.readside.events.CartEvent;
import io.readside.events.CartEvent.CheckedOut;
import io.readside.events.CartEvent.CheckedOutLine;
import io.readside.events.CartEvent.ItemAdded;
import io.readside.events.CartEvent.ItemQuantityAdjusted;
import io.readside.events.CartEvent.ItemRemoved;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.PekkoConfig;
import io.readside.platform.Pools;
import io.readside.platform.ReadsideConfig;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import io.readside.projections.cartsummary.CartSummaryRepository;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.Projection;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;
import org.apache.pekko.projection.testkit.javadsl.ProjectionTestKit;
import org.apache.pekko.projection.testkit.javadsl.TestSourceProvider;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each projection's handler run by ProjectionTestKit as a real grouped JdbcProjection on PostgreSQL. */
class ProjectionHandlersIT {
  private static final Instant DAY1 = Instant.parse("2026-11-29T23:59:00Z");
  private static final Instant DAY2 = Instant.parse("2026-11-30T08:00:00Z");
  private static final int SLICE = 3;

  private static DatabaseSettings db;
  private static HikariDataSource pool;
  private static ActorTestKit testKit;
  private static ProjectionTestKit projectionTestKit;
  private static final AtomicLong projectionCounter = new AtomicLong();

  @BeforeAll
  static void start() {
    db = TestDatabase.freshDatabase(ProjectionHandlersIT.class);
    Migrations.migrate(db);
    pool = Pools.create("test-projections", db, 4);
    Config config = ReadsideConfig.load(PekkoConfig.withDatabase(com.typesafe.config.ConfigFactory.empty(), db));
    testKit = ActorTestKit.create("ProjectionHandlersIT", config);
    projectionTestKit = ProjectionTestKit.create(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    pool.close();
  }

  /** The journal of two carts: a is checked out on day 1, b stays open; c is checked out on day 2. */
  private static List<EventEnvelope<CartEvent>> journal() {
    List<CartEvent> a =
        List.of(
            new ItemAdded("a", "apple", 2, 100, DAY1),
            new ItemAdded("a", "pear", 1, 50, DAY1),
            new ItemQuantityAdjusted("a", "apple", 2, 3, DAY1),
            new CheckedOut("a", List.of(new CheckedOutLine("apple", 3, 100), new CheckedOutLine("pear", 1, 50)), 4, 350, DAY1));
    List<CartEvent> b =
        List.of(
            new ItemAdded("b", "apple", 5, 100, DAY1),
            new ItemAdded("b", "plum", 4, 20, DAY1),
            new ItemRemoved("b", "plum", 4, DAY2));
    List<CartEvent> c =
        List.of(new ItemAdded("c", "plum", 1, 20, DAY2), new CheckedOut("c", List.of(new CheckedOutLine("plum", 1, 20)), 1, 20, DAY2));
    List<EventEnvelope<CartEvent>> envelopes = new ArrayList<>();
    long offset = 0;
    // Interleave the carts as the journal would.
    int max = Math.max(a.size(), Math.max(b.size(), c.size()));
    for (int i = 0; i < max; i++) {
      for (List<CartEvent> cart : List.of(a, b, c)) {
        if (i < cart.size()) {
          envelopes.add(envelope(++offset, i + 1, cart.get(i)));
        }
      }
    }
    return envelopes;
  }

  private static EventEnvelope<CartEvent> envelope(long offset, long seqNr, CartEvent event) {
    return EventEnvelope.create(Offset.sequence(offset), "ShoppingCart|" + event.cartId(), seqNr, event, event.at().toEpochMilli());
  }

  private static Projection<EventEnvelope<CartEvent>> projection(ReadModelProjection readModel, List<EventEnvelope<CartEvent>> envelopes) {
    Source<EventEnvelope<CartEvent>, NotUsed> source = Source.from(envelopes);
    ProjectionId id = ProjectionId.of(readModel.name() + "-test-" + projectionCounter.incrementAndGet(), "carts-" + SLICE);
    SliceFence fence = new SliceFence(id, "test");
    // As in production: the instance takes its slice's epoch before it reads its offset.
    FencedSourceProvider<Offset, EventEnvelope<CartEvent>> provider =
        new FencedSourceProvider<>(
            TestSourceProvider.create(source, EventEnvelope::offset), fence, pool, testKit.system().executionContext());
    return JdbcProjection.groupedWithin(
            id,
            provider,
            () -> new PooledJdbcSession(pool),
            () -> new GroupHandler(readModel, SLICE, new FailurePolicy(0, FailurePolicy.OnFailure.STOP), fence, new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
            testKit.system())
        .withGroup(3, Duration.ofMillis(20));
  }

  @Test
  void cartSummaryHoldsEachCartsLinesTotalsAndStatus() {
    projectionTestKit.run(
        projection(Projections.CART_SUMMARY, journal()),
        Duration.ofSeconds(15),
        () -> {
          assertEquals(
              List.of(
                  Map.of("cart_id", "a", "status", "checked_out", "line_count", 2, "total_quantity", 4, "total_cents", 350L, "last_seq_nr", 4L, "slice", SLICE),
                  Map.of("cart_id", "b", "status", "open", "line_count", 1, "total_quantity", 5, "total_cents", 500L, "last_seq_nr", 3L, "slice", SLICE),
                  Map.of("cart_id", "c", "status", "checked_out", "line_count", 1, "total_quantity", 1, "total_cents", 20L, "last_seq_nr", 2L, "slice", SLICE)),
              TestSql.rows(db, "SELECT cart_id, status, line_count, total_quantity, total_cents, last_seq_nr, slice FROM read_model.cart_summary WHERE cart_id IN ('a', 'b', 'c') ORDER BY cart_id"));
          assertEquals(
              List.of(
                  Map.of("cart_id", "a", "item_id", "apple", "quantity", 3, "unit_price_cents", 100L),
                  Map.of("cart_id", "a", "item_id", "pear", "quantity", 1, "unit_price_cents", 50L),
                  Map.of("cart_id", "b", "item_id", "apple", "quantity", 5, "unit_price_cents", 100L),
                  Map.of("cart_id", "c", "item_id", "plum", "quantity", 1, "unit_price_cents", 20L)),
              TestSql.rows(db, "SELECT cart_id, item_id, quantity, unit_price_cents FROM read_model.cart_line WHERE cart_id IN ('a', 'b', 'c') ORDER BY cart_id, item_id"));
        });
  }

  @Test
  void cartSummaryIgnoresAnEnvelopeItHasAppliedAlready() throws Exception {
    List<SequencedEvent> events =
        List.of(new SequencedEvent(1, new ItemAdded("dup", "apple", 2, 100, DAY1)), new SequencedEvent(2, new ItemQuantityAdjusted("dup", "apple", 2, 7, DAY1)));
    try (Connection c = pool.getConnection()) {
      CartSummaryRepository.apply(c, SLICE, events);
      List<Map<String, Object>> once = dupRows();
      // The same envelopes again (a redelivery after a crash, a rewind), alone and in a later group.
      CartSummaryRepository.apply(c, SLICE, events);
      CartSummaryRepository.apply(c, SLICE, List.of(events.get(0)));
      assertEquals(once, dupRows());
      assertEquals(7, once.get(0).get("total_quantity"));
    }
  }

  @Test
  void cartSummaryNeverMovesACartBackwardsWhenAStaleGroupCommitsLate() throws Exception {
    ItemAdded first = new ItemAdded("mono", "apple", 1, 100, DAY1);
    try (Connection owner = pool.getConnection(); Connection stale = pool.getConnection()) {
      CartSummaryRepository.apply(owner, SLICE, List.of(new SequencedEvent(1, first)));
      owner.setAutoCommit(false);
      stale.setAutoCommit(false);
      // The owner applies seqNr 2 and 3 but has not committed yet ...
      CartSummaryRepository.apply(
          owner,
          SLICE,
          List.of(
              new SequencedEvent(2, new ItemQuantityAdjusted("mono", "apple", 1, 5, DAY1)),
              new SequencedEvent(3, new ItemAdded("mono", "pear", 2, 50, DAY1))));
      // ... while a stale writer applies seqNr 2 again, from an older view of the cart.
      var staleWrite =
          java.util.concurrent.CompletableFuture.runAsync(
              () -> {
                try {
                  CartSummaryRepository.apply(
                      stale, SLICE, List.of(new SequencedEvent(2, new ItemQuantityAdjusted("mono", "apple", 1, 5, DAY1))));
                  stale.commit();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      // The stale writer blocks on the owner's rows until the owner commits.
      await().atMost(Duration.ofSeconds(10)).until(() -> TestSql.sessionsWaitingForALock(db) > 0);
      owner.commit();
      staleWrite.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertEquals(
        List.of(Map.of("last_seq_nr", 3L, "line_count", 2, "total_quantity", 7)),
        TestSql.rows(db, "SELECT last_seq_nr, line_count, total_quantity FROM read_model.cart_summary WHERE cart_id = 'mono'"));
  }

  private static List<Map<String, Object>> dupRows() {
    return TestSql.rows(
        db,
        "SELECT s.*, l.item_id, l.quantity FROM read_model.cart_summary s JOIN read_model.cart_line l USING (cart_id) WHERE cart_id = 'dup'");
  }

  @Test
  void itemPopularityCountsQuantitiesInOpenCartsAndCheckedOut() {
    projectionTestKit.run(
        projection(Projections.ITEM_POPULARITY, journal()),
        Duration.ofSeconds(15),
        () ->
            assertEquals(
                List.of(
                    Map.of("item_id", "apple", "slice", SLICE, "quantity_in_carts", 5L, "quantity_checked_out", 3L),
                    Map.of("item_id", "pear", "slice", SLICE, "quantity_in_carts", 0L, "quantity_checked_out", 1L),
                    Map.of("item_id", "plum", "slice", SLICE, "quantity_in_carts", 0L, "quantity_checked_out", 1L)),
                TestSql.rows(db, "SELECT * FROM read_model.item_popularity_by_slice ORDER BY item_id")));
  }

  @Test
  void dailySalesSumsCheckoutsPerUtcDay() {
    projectionTestKit.run(
        projection(Projections.DAILY_SALES, journal()),
        Duration.ofSeconds(15),
        () ->
            assertEquals(
                List.of(
                    Map.of("day", "2026-11-29", "checkouts", 1L, "items_sold", 4L, "revenue_cents", 350L),
                    Map.of("day", "2026-11-30", "checkouts", 1L, "items_sold", 1L, "revenue_cents", 20L)),
                TestSql.rows(db, "SELECT day::text AS day, checkouts, items_sold, revenue_cents FROM read_model.daily_sales ORDER BY day")));
  }
}
