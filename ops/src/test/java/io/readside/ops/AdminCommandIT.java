package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `readside admin ...` drives the same routes as curl would, with the token from a file. */
class AdminCommandIT {
  private static DatabaseSettings db;
  private static ReadsideNode node;
  private static Path tokenFile;
  private static String url;

  @BeforeAll
  static void start() throws Exception {
    db = TestDatabase.freshDatabase(AdminCommandIT.class);
    Migrations.migrate(db);
    node = TestNodes.start(db, ReadsideNode.allRoles());
    tokenFile = Files.createTempFile("readside-token", ".txt");
    Files.writeString(tokenFile, TestNodes.ADMIN_TOKEN + "\n");
    url = "http://127.0.0.1:" + node.adminAddress().orElseThrow().getPort();
    HttpJson write = new HttpJson(node.writeSideAddress().orElseThrow());
    assertEquals(200, write.post("/carts/cli-1/items", "{\"itemId\":\"a\",\"quantity\":1,\"unitPriceCents\":5}").status());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    Files.deleteIfExists(tokenFile);
  }

  private record Run(int exit, String out, String err) {}

  private static Run admin(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Readside.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] full = new String[args.length + 5];
    full[0] = "admin";
    full[1] = "--url";
    full[2] = url;
    full[3] = "--token-file";
    full[4] = tokenFile.toString();
    System.arraycopy(args, 0, full, 5, args.length);
    return new Run(cli.execute(full), out.toString(), err.toString());
  }

  @Test
  void aWorkerRefusesToStartWithoutAnAdminToken() throws Exception {
    Jar.Result result = Jar.run(java.util.Map.of("DATABASE_URL", db.url(), "DATABASE_USER", db.user(), "CLUSTER_PORT", "0"), "worker");
    assertEquals(1, result.exit(), result.output());
    assertTrue(result.output().contains("readside: ADMIN_TOKEN must be set"), result.output());
  }

  @Test
  void statusPrintsATableOfEverySlice() {
    Run run = admin("status");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().startsWith("PROJECTION"), run.out());
    // A header, a row per projection and slice, and with the horizon source a line on what holds it.
    assertEquals(3 * 4, run.out().lines().filter(l -> l.matches("(cart-summary|item-popularity|daily-sales) .*")).count(), run.out());
    assertEquals(run.out().contains("horizon source; the horizon is") ? 1 + 3 * 4 + 1 : 1 + 3 * 4, run.out().strip().lines().count(), run.out());
  }

  @Test
  void theUrlAndTokenFileMayAlsoFollowTheSubcommand() {
    StringWriter out = new StringWriter();
    CommandLine cli = Readside.commandLine();
    cli.setOut(new PrintWriter(out, true));
    int exit = cli.execute("admin", "status", "--json", "--url", url, "--token-file", tokenFile.toString());
    assertEquals(0, exit, out.toString());
    assertTrue(out.toString().contains("\"projections\""), out.toString());
  }

  @Test
  void pauseAndResumeGoThroughTheAdminRoutesAndAreAudited() {
    assertEquals(0, admin("pause", "daily-sales", "--slice", "2").exit());
    assertEquals(1, TestSql.longValue(db, "SELECT count(*) FROM pekko_projection_management WHERE paused AND projection_name = 'daily-sales'"));
    assertEquals(0, admin("resume", "daily-sales", "--slice", "2").exit());
    assertEquals(0, TestSql.longValue(db, "SELECT count(*) FROM pekko_projection_management WHERE paused"));
    Run log = admin("audit-log", "--limit", "5");
    assertTrue(log.out().contains("\"pause\"") && log.out().contains("\"resume\""), log.out());
  }

  @Test
  void refusalsAreOneLineOnStderrWithExitCodeOne() {
    Run run = admin("rewind", "item-popularity", "--to-offset", "0");
    assertEquals(1, run.exit());
    assertTrue(run.err().contains("409 not_replay_safe"), run.err());
    Run dry = admin("rewind", "cart-summary", "--to-timestamp", "2000-01-01T00:00:00Z", "--dry-run");
    assertEquals(0, dry.exit(), dry.err());
    assertTrue(dry.out().contains("\"dryRun\" : true"), dry.out());
    assertEquals(2, admin("rewind", "cart-summary").exit(), "picocli usage error without a target");
  }

  private static void writeToSlice(int slice, int events) {
    HttpJson write = new HttpJson(node.writeSideAddress().orElseThrow());
    String cart = TestNodes.cartInSlice("wait-" + slice + "-", slice);
    for (int i = 0; i < events; i++) {
      assertEquals(200, write.post("/carts/" + cart + "/items", "{\"itemId\":\"w" + i + "\",\"quantity\":1,\"unitPriceCents\":5}").status());
    }
  }

  @Test
  void rebuildWaitFollowsTheReplayWithAProgressBarAndExitsZeroWhenCaughtUp() {
    writeToSlice(1, 6);
    Run run = admin("rebuild", "item-popularity", "--slice", "1", "--wait");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("\"action\" : \"rebuild\""), run.out());
    // The last line of the bar: every event of the slice (this test's six, and any other cart's there) replayed.
    assertTrue(java.util.regex.Pattern.compile("\\] ([0-9]+) / \\1 events 100%.*done").matcher(run.err()).find(), run.err());
    assertTrue(run.err().contains("item-popularity caught up on slice 1"), run.err());
    assertTrue(TestSql.longValue(db, "SELECT count(*) FROM read_model.item_popularity_by_slice WHERE slice = 1") >= 6);
  }

  @Test
  void rebuildWaitOnAPausedSliceTimesOutWithExitCodeFourAndSaysWhy() {
    writeToSlice(3, 2);
    assertEquals(0, admin("pause", "daily-sales", "--slice", "3").exit());
    try {
      Run run = admin("rebuild", "daily-sales", "--slice", "3", "--wait", "--timeout", "2");
      assertEquals(AdminWait.TIMED_OUT, run.exit(), run.err());
      assertTrue(run.err().matches("(?s).*timed out after 2 s with 0 of [0-9]+ events replayed.*"), run.err());
      assertTrue(run.err().contains("slice 3 is paused"), run.err());
    } finally {
      assertEquals(0, admin("resume", "daily-sales", "--slice", "3").exit());
    }
  }

  @Test
  void rewindWaitFollowsTheOffsetBackToWhereItWas() {
    writeToSlice(2, 3);
    // Rewound while the slice may still be catching up: wait until it has, so there is something to rewind.
    await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(0, TestSql.longValue(db,
        "SELECT COALESCE((SELECT lag_events FROM read_model.projection_status WHERE projection_name = 'cart-summary' AND slice = 2), -1)")));
    Run run = admin("rewind", "cart-summary", "--slice", "2", "--to-offset", "0", "--wait");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.err().contains("cart-summary caught up on slice 2"), run.err());
    Run dry = admin("rewind", "cart-summary", "--slice", "2", "--to-offset", "0", "--dry-run", "--wait");
    assertEquals(0, dry.exit(), dry.err());
    assertTrue(dry.err().isEmpty(), "a dry run has nothing to follow: " + dry.err());
  }

  @Test
  void rebuildShadowWaitFollowsTheBuildAndTheSwapAndExitsZero() {
    writeToSlice(0, 3);
    Run run = admin("rebuild", "daily-sales", "--shadow", "--wait");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("\"state\" : \"building\""), run.out());
    assertTrue(run.err().contains("daily-sales rebuilt in shadow and swapped in"), run.err());
    assertTrue(run.err().matches("(?s).*\\] ([0-9]+) / \\1 events 100%.*"), run.err());
    Run withSlice = admin("rebuild", "daily-sales", "--shadow", "--slice", "1");
    assertEquals(2, withSlice.exit(), withSlice.err());
    assertTrue(withSlice.err().contains("leave out --slice"), withSlice.err());
  }

  @Test
  void aRefusedActionWithWaitExitsOneWithoutWaiting() {
    Run refused = admin("rewind", "item-popularity", "--to-offset", "0", "--wait");
    assertEquals(1, refused.exit());
    assertTrue(refused.err().contains("409 not_replay_safe"), refused.err());
    Run unknown = admin("rebuild", "no-such-projection", "--wait");
    assertEquals(1, unknown.exit());
    assertTrue(unknown.err().contains("404 unknown_projection"), unknown.err());
  }
}
