package io.readside.projections;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.readside.events.CartEvent;
import io.readside.events.CartEvent.CheckedOut;
import io.readside.events.CartEvent.CheckedOutLine;
import io.readside.events.CartEvent.ItemAdded;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.Pools;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.readside.platform.PekkoConfig;
import io.readside.platform.ReadsideConfig;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;
import org.apache.pekko.projection.testkit.javadsl.TestSourceProvider;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two instances of one (projection, slice), as when a frozen worker wakes after its slice was
 * started elsewhere: only the instance that took the slice's epoch last can commit.
 */
class FencingIT {
  private static final Instant AT = Instant.parse("2026-11-30T10:00:00Z");
  private static final int SLICE = 1;
  private static DatabaseSettings db;
  private static HikariDataSource pool;
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    db = TestDatabase.freshDatabase(FencingIT.class);
    Migrations.migrate(db);
    pool = Pools.create("test-fencing", db, 6);
    Config config =
        ReadsideConfig.load(
            ConfigFactory.parseString("pekko.projection.restart-backoff { min-backoff = 200ms, max-backoff = 1s }")
                .withFallback(PekkoConfig.withDatabase(ConfigFactory.empty(), db)));
    testKit = ActorTestKit.create("FencingIT", config);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    pool.close();
  }

  /**
   * What a frozen worker that wakes amounts to: two live instances of one slice at once, both
   * reading from the same journal. Without a fence each applies every event (daily-sales counted
   * twice); with it, the one that took the slice last commits and the other is refused and stops
   * (in a cluster, ShardedDaemonProcess restarts only the instance of the node that owns the slice).
   */
  @Test
  void twoInstancesOfOneSliceRunningAtOnceCountEveryCheckoutOnce() throws Exception {
    ProjectionId id = ProjectionId.of(Projections.DAILY_SALES.name(), "carts-" + SLICE);
    List<EventEnvelope<CartEvent>> journal = new java.util.ArrayList<>();
    for (int i = 0; i < 60; i++) {
      journal.addAll(checkout("twin-" + i, 1000 + 2L * i));
    }
    Map<String, Object> before = sales();
    ActorRef<ProjectionBehavior.Command> first = testKit.spawn(instance(id, "node-a", journal));
    // The second starts once the first is applying the journal, so the two overlap.
    await().atMost(Duration.ofSeconds(30)).until(() -> (long) sales().get("checkouts") > (long) before.get("checkouts"));
    ActorRef<ProjectionBehavior.Command> second = testKit.spawn(instance(id, "node-b", journal));
    try {
      long expectedCheckouts = (long) before.get("checkouts") + 60;
      await().atMost(Duration.ofSeconds(30)).until(() -> (long) sales().get("checkouts") >= expectedCheckouts);
      // Both instances keep running: the totals must stay exact while the loser could still commit.
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertEquals(expectedCheckouts, sales().get("checkouts"));
        assertEquals((long) before.get("revenue") + 60 * 200, sales().get("revenue"));
      });
    } finally {
      testKit.stop(first);
      testKit.stop(second);
    }
  }

  /** One instance as the Worker builds it, over a slow copy of the journal that honours the offset. */
  private static org.apache.pekko.actor.typed.Behavior<ProjectionBehavior.Command> instance(
      ProjectionId id, String node, List<EventEnvelope<CartEvent>> journal) {
    SliceFence fence = new SliceFence(id, node);
    TestSourceProvider<Offset, EventEnvelope<CartEvent>> journalSource =
        TestSourceProvider.create(Source.from(journal).throttle(40, Duration.ofSeconds(1)), EventEnvelope::offset)
            .withStartSourceFrom((last, offset) -> ((Sequence) offset).value() <= ((Sequence) last).value());
    return Worker.stoppedWhenFenced(
        fence,
        ProjectionBehavior.create(
            JdbcProjection.groupedWithin(
                    id,
                    new FencedSourceProvider<>(journalSource, fence, pool, testKit.system().executionContext()),
                    () -> new PooledJdbcSession(pool),
                    () -> handler(fence),
                    testKit.system())
                .withGroup(5, Duration.ofMillis(50))));
  }

  private static List<EventEnvelope<CartEvent>> checkout(String cart, long offset) {
    CartEvent added = new ItemAdded(cart, "apple", 2, 100, AT);
    CartEvent checkedOut = new CheckedOut(cart, List.of(new CheckedOutLine("apple", 2, 100)), 2, 200, AT);
    return List.of(
        EventEnvelope.create(Offset.sequence(offset), "ShoppingCart|" + cart, 1, added, AT.toEpochMilli()),
        EventEnvelope.create(Offset.sequence(offset + 1), "ShoppingCart|" + cart, 2, checkedOut, AT.toEpochMilli()));
  }

  private static GroupHandler handler(SliceFence fence) {
    return new GroupHandler(
        Projections.DAILY_SALES, SLICE, new FailurePolicy(0, FailurePolicy.OnFailure.PARK), fence, new SimpleMeterRegistry());
  }

  private static long take(SliceFence fence) throws Exception {
    try (Connection c = pool.getConnection()) {
      return fence.take(c);
    }
  }

  private static Map<String, Object> sales() {
    return TestSql.rows(db, "SELECT COALESCE(sum(checkouts), 0)::bigint AS checkouts, COALESCE(sum(revenue_cents), 0)::bigint AS revenue FROM read_model.daily_sales_by_slice").get(0);
  }

  @Test
  void aStaleInstanceCannotCommitAGroupAfterAnotherInstanceTookItsSlice() throws Exception {
    ProjectionId id = ProjectionId.of("fencing-stale", "carts-" + SLICE);
    SliceFence stale = new SliceFence(id, "node-a");
    SliceFence successor = new SliceFence(id, "node-b");
    assertEquals(1, take(stale));
    Map<String, Object> before = sales();
    // node-a froze; node-b started the slice and applies the events node-a held.
    assertEquals(2, take(successor));
    PooledJdbcSession session = new PooledJdbcSession(pool);
    handler(successor).process(session, checkout("fence-1", 1));
    session.commit();
    session.close();
    // node-a wakes and tries to commit the same group: refused, nothing of it lands.
    PooledJdbcSession staleSession = new PooledJdbcSession(pool);
    SliceFence.Fenced fenced = assertThrows(SliceFence.Fenced.class, () -> handler(stale).process(staleSession, checkout("fence-1", 1)));
    staleSession.rollback();
    staleSession.close();
    assertTrue(fenced.getMessage().contains("epoch 1") && fenced.getMessage().contains("node-b"), fenced.getMessage());
    assertEquals((long) before.get("checkouts") + 1, sales().get("checkouts"));
    assertEquals((long) before.get("revenue") + 200, sales().get("revenue"));
  }

  @Test
  void takingASliceWaitsForTheGroupStillInFlightUnderTheOldEpoch() throws Exception {
    ProjectionId id = ProjectionId.of("fencing-in-flight", "carts-" + SLICE);
    SliceFence old = new SliceFence(id, "node-a");
    SliceFence successor = new SliceFence(id, "node-b");
    take(old);
    PooledJdbcSession inFlight = new PooledJdbcSession(pool);
    handler(old).process(inFlight, checkout("fence-2", 10));
    CompletableFuture<Long> taking =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return take(successor);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    await().atMost(Duration.ofSeconds(10)).until(() -> TestSql.sessionsWaitingForALock(db) > 0);
    assertFalse(taking.isDone(), "the successor must wait until the old owner's group commits or rolls back");
    inFlight.commit();
    inFlight.close();
    assertEquals(2L, taking.get(10, TimeUnit.SECONDS));
    // The old owner's next group is refused.
    PooledJdbcSession next = new PooledJdbcSession(pool);
    assertThrows(SliceFence.Fenced.class, () -> handler(old).process(next, checkout("fence-3", 12)));
    next.rollback();
    next.close();
  }

  @Test
  void anInstanceThatNeverTookAnEpochCannotCommit() throws Exception {
    SliceFence never = new SliceFence(ProjectionId.of("fencing-none", "carts-" + SLICE), "node-a");
    PooledJdbcSession session = new PooledJdbcSession(pool);
    assertThrows(SliceFence.Fenced.class, () -> handler(never).process(session, checkout("fence-4", 20)));
    session.rollback();
    session.close();
  }
}
