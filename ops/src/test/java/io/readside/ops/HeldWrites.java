package io.readside.ops;

import static org.awaitility.Awaitility.await;

import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestSql;
import java.time.Duration;

/** Journal writes a test holds open with a trigger that calls pg_sleep (a late commit). */
final class HeldWrites {
  private HeldWrites() {}

  /** Waits until {@code count} writes of this database sit in the trigger's pg_sleep: their orderings are taken, not committed. */
  static void awaitHeld(DatabaseSettings db, int count) {
    await("writes held in pg_sleep").atMost(Duration.ofSeconds(15)).until(() -> TestSql.longValue(db,
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()") >= count);
  }
}
