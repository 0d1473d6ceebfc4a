package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A worker stopped while carts are being written resumes from its stored offsets: nothing lost, nothing twice. */
class WorkerRestartIT {

  @Test
  void restartingTheWorkerMidStreamResumesFromStoredOffsets() throws Exception {
    DatabaseSettings db = TestDatabase.freshDatabase(WorkerRestartIT.class);
    Migrations.migrate(db);
    try (ReadsideNode writer = TestNodes.start(db, EnumSet.of(Role.WRITE, Role.READ_API))) {
      HttpJson write = new HttpJson(writer.writeSideAddress().orElseThrow());
      HttpJson read = new HttpJson(writer.readApiAddress().orElseThrow());
      CartScenario scenario = new CartScenario(write, 7, 50);

      ReadsideNode firstWorker = TestNodes.start(db, EnumSet.of(Role.PROJECTION));
      scenario.run(150);
      CompletableFuture<Void> moreWrites = CompletableFuture.runAsync(() -> scenario.run(250));
      // Stop the worker once it has committed some offsets, while writes go on.
      await().atMost(java.time.Duration.ofSeconds(30))
          .untilAsserted(() -> assertTrue(TestSql.longValue(db, "SELECT count(*) FROM pekko_projection_offset_store") > 0));
      firstWorker.close();
      long appliedBeforeRestart = TestSql.longValue(db, "SELECT COALESCE(sum(last_seq_nr), 0) FROM read_model.cart_summary");

      try (ReadsideNode secondWorker = TestNodes.start(db, EnumSet.of(Role.PROJECTION))) {
        moreWrites.get();
        ReadModelAssertions.assertReadModelMatches(read, db, scenario);
        long events = scenario.existingCarts().values().stream().mapToLong(c -> c.seqNr).sum();
        assertTrue(appliedBeforeRestart < events, "the first worker stopped before it had applied everything");
      }
    }
  }
}
