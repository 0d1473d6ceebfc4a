package io.readside.ops;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;

/**
 * One in-process node with every role on a fresh, migrated database of its test class, and a
 * client for each of its HTTP interfaces (the admin one with the token).
 */
record OneNode(DatabaseSettings db, ReadsideNode node, HttpJson write, HttpJson read, HttpJson admin) implements AutoCloseable {
  /**
   * eventsByTag (the source that skips a late commit; the default horizon source does not) with a
   * 0.5 s gap window instead of 10 s, so a 3 s late commit is skipped for good; and 10 s for a
   * write to answer instead of 1.5 s (ask) and 3 s (journal breaker), so the late write succeeds.
   */
  static final Config LATE_COMMITS_SKIPPED = ConfigFactory.parseMap(java.util.Map.of(
      "readside.worker.source", "events-by-tag",
      "jdbc-read-journal.journal-sequence-retrieval.max-tries", 5,
      "jdbc-read-journal.journal-sequence-retrieval.query-delay", "100ms",
      "readside.write-side.ask-timeout", "10s",
      "jdbc-journal.circuit-breaker.call-timeout", "10s"));

  static OneNode start(Class<?> test) {
    return start(test, ConfigFactory.empty());
  }

  static OneNode start(Class<?> test, Config extra) {
    DatabaseSettings db = TestDatabase.freshDatabase(test);
    Migrations.migrate(db);
    ReadsideNode node = TestNodes.start(db, ReadsideNode.allRoles(), extra);
    return new OneNode(
        db, node, new HttpJson(node.writeSideAddress().orElseThrow()), new HttpJson(node.readApiAddress().orElseThrow()),
        TestNodes.admin(node));
  }

  /** What a command line run of the jar needs to reach this node's database (four slices, as the node). */
  java.util.Map<String, String> databaseEnv() {
    return java.util.Map.of("DATABASE_URL", db.url(), "DATABASE_USER", db.user(), "DATABASE_PASSWORD", db.password(),
        "READSIDE_SLICES", "4");
  }

  @Override
  public void close() {
    node.close();
  }
}
