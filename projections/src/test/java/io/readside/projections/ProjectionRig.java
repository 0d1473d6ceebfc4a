package io.readside.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;
import org.apache.pekko.projection.testkit.javadsl.ProjectionTestKit;
import org.apache.pekko.projection.testkit.javadsl.TestSourceProvider;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A projection's slice run the way the worker runs it, on a fresh PostgreSQL database: a grouped
 * JdbcProjection whose source takes the slice's epoch first, the {@link GroupHandler}, and the
 * offset committed in the rows' transaction; driven by ProjectionTestKit. Every projection's IT
 * (and the README's worked example) runs through here.
 */
public final class ProjectionRig implements BeforeAllCallback, AfterAllCallback {
  private final String[] moreMigrations;
  private DatabaseSettings db;
  private HikariDataSource pool;
  private ActorTestKit testKit;
  private ProjectionTestKit projectionTestKit;

  private ProjectionRig(String[] moreMigrations) {
    this.moreMigrations = moreMigrations;
  }

  /**
   * For {@code @RegisterExtension static final}: a fresh database for the test class, migrated
   * with ours and {@code moreMigrations} (Flyway locations of a test's own tables).
   */
  public static ProjectionRig withMigrations(String... moreMigrations) {
    return new ProjectionRig(moreMigrations);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    db = TestDatabase.freshDatabase(testClass);
    Migrations.migrate(db, moreMigrations);
    pool = Pools.create("test-projections", db, 4);
    Config config = ReadsideConfig.load(PekkoConfig.withDatabase(ConfigFactory.empty(), db));
    testKit = ActorTestKit.create(testClass.getSimpleName(), config);
    projectionTestKit = ProjectionTestKit.create(testKit.system());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    testKit.shutdownTestKit();
    pool.close();
  }

  public DatabaseSettings db() {
    return db;
  }

  public DataSource pool() {
    return pool;
  }

  /**
   * Runs the slice's instance over the journal until the assertion holds. Like the journal query
   * on a restart, the source skips what is at or below the offset the slice committed last.
   */
  public void run(ReadModelProjection projection, int slice, List<EventEnvelope<CartEvent>> journal, Runnable assertion) {
    ProjectionId id = idOf(projection, slice);
    SliceFence fence = new SliceFence(id, "test");
    TestSourceProvider<Offset, EventEnvelope<CartEvent>> source =
        TestSourceProvider.create(Source.from(journal), EventEnvelope::offset)
            .withStartSourceFrom((last, offset) -> ((Sequence) offset).value() <= ((Sequence) last).value());
    projectionTestKit.run(
        JdbcProjection.groupedWithin(
                id,
                new FencedSourceProvider<>(source, fence, pool, testKit.system().executionContext()),
                () -> new PooledJdbcSession(pool),
                () ->
                    new GroupHandler(
                        projection, slice, new FailurePolicy(0, FailurePolicy.OnFailure.STOP), fence, new SimpleMeterRegistry()),
                testKit.system())
            .withGroup(3, Duration.ofMillis(20)),
        Duration.ofSeconds(15),
        assertion::run);
  }

  /**
   * An additive projection's idempotency: runs the journal until {@code rows} are {@code afterJournal};
   * then restarts the instance, which is handed the whole journal again plus {@code next}, and
   * waits for {@code afterNext}. Only the offset committed with the rows keeps the redelivered
   * envelopes from counting twice.
   */
  public <R> void runThenRedeliverWith(
      ReadModelProjection projection, int slice, List<EventEnvelope<CartEvent>> journal, CartEvent next,
      Supplier<R> rows, R afterJournal, R afterNext) {
    run(projection, slice, journal, () -> assertEquals(afterJournal, rows.get()));
    List<EventEnvelope<CartEvent>> again = new ArrayList<>(journal);
    long lastOffset = ((Sequence) journal.get(journal.size() - 1).offset()).value();
    again.add(envelope(lastOffset + 1, 1, next));
    run(projection, slice, again, () -> assertEquals(afterNext, rows.get()));
  }

  /** What the admin rebuild does to a slice before its replay: its rows and its offset go, in one transaction. */
  public void clearSlice(ReadModelProjection projection, int slice) throws Exception {
    ProjectionId id = idOf(projection, slice);
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      projection.deleteSlice(c, slice);
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM pekko_projection_offset_store WHERE projection_name = ? AND projection_key = ?")) {
        ps.setString(1, id.name());
        ps.setString(2, id.key());
        ps.executeUpdate();
      }
      c.commit();
    }
  }

  private static ProjectionId idOf(ReadModelProjection projection, int slice) {
    return ProjectionId.of(projection.name(), "carts-" + slice);
  }

  public static final Instant DAY1 = Instant.parse("2026-11-29T23:59:00Z");
  public static final Instant DAY2 = Instant.parse("2026-11-30T08:00:00Z");

  /** Three carts the projections' ITs share: a is checked out on day 1, b stays open, c is checked out on day 2. */
  public static List<EventEnvelope<CartEvent>> threeCarts() {
    return journal(
        1,
        List.of(
            List.of(
                new ItemAdded("a", "apple", 2, 100, DAY1),
                new ItemAdded("a", "pear", 1, 50, DAY1),
                new ItemQuantityAdjusted("a", "apple", 2, 3, DAY1),
                new CheckedOut("a", List.of(new CheckedOutLine("apple", 3, 100), new CheckedOutLine("pear", 1, 50)), 4, 350, DAY1)),
            List.of(
                new ItemAdded("b", "apple", 5, 100, DAY1),
                new ItemAdded("b", "plum", 4, 20, DAY1),
                new ItemRemoved("b", "plum", 4, DAY2)),
            List.of(
                new ItemAdded("c", "plum", 1, 20, DAY2),
                new CheckedOut("c", List.of(new CheckedOutLine("plum", 1, 20)), 1, 20, DAY2))));
  }

  /** Carts' events (each cart's seqNr from 1) interleaved as the journal would, at offsets from {@code firstOffset}. */
  public static List<EventEnvelope<CartEvent>> journal(long firstOffset, List<List<CartEvent>> carts) {
    List<EventEnvelope<CartEvent>> envelopes = new ArrayList<>();
    long offset = firstOffset;
    int longest = carts.stream().mapToInt(List::size).max().orElse(0);
    for (int i = 0; i < longest; i++) {
      for (List<CartEvent> cart : carts) {
        if (i < cart.size()) {
          envelopes.add(envelope(offset++, i + 1, cart.get(i)));
        }
      }
    }
    return envelopes;
  }

  public static EventEnvelope<CartEvent> envelope(long offset, long seqNr, CartEvent event) {
    return EventEnvelope.create(Offset.sequence(offset), "ShoppingCart|" + event.cartId(), seqNr, event, event.at().toEpochMilli());
  }

}
