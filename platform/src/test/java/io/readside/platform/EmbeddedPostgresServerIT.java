package io.readside.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedPostgresServerIT {

  @Test
  void dataSurvivesARestartUnlessStartedFresh() throws Exception {
    Path dir = Files.createTempDirectory("readside-epg-it");
    try (EmbeddedPostgresServer first = EmbeddedPostgresServer.start(dir, 0, true)) {
      execute(first.settings("postgres"), "CREATE TABLE kept(v int); INSERT INTO kept VALUES (42)");
    }
    try (EmbeddedPostgresServer second = EmbeddedPostgresServer.start(dir, 0, false)) {
      assertEquals(42, queryInt(second.settings("postgres"), "SELECT v FROM kept"));
      assertEquals(17, queryInt(second.settings("postgres"), "SELECT current_setting('server_version_num')::int / 10000"));
    }
    try (EmbeddedPostgresServer fresh = EmbeddedPostgresServer.start(dir, 0, true)) {
      assertEquals(0, queryInt(fresh.settings("postgres"), "SELECT count(*) FROM pg_tables WHERE tablename = 'kept'"));
    }
  }

  @Test
  void serverSettingsOfTheCallersApplyAndADatabaseInUseIsDropped() throws Exception {
    Path dir = Files.createTempDirectory("readside-epg-it");
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir, 0, true, true, Map.of("track_commit_timestamp", "on"))) {
      assertEquals("on", queryString(server.settings("postgres"), "SHOW track_commit_timestamp"));
      server.ensureDatabase("scenario_a");
      DatabaseSettings a = server.settings("scenario_a");
      try (Connection held = DriverManager.getConnection(a.url(), a.user(), a.password())) {
        server.dropDatabase("scenario_a");
        assertTrue(held.isClosed() || !held.isValid(2), "the connection to the dropped database still works");
      }
      assertEquals(0, queryInt(server.settings("postgres"), "SELECT count(*) FROM pg_database WHERE datname = 'scenario_a'"));
      assertThrows(IllegalArgumentException.class, () -> server.dropDatabase("a; DROP DATABASE postgres"));
    }
  }

  private static void execute(DatabaseSettings db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static int queryInt(DatabaseSettings db, String sql) throws Exception {
    return Integer.parseInt(queryString(db, sql));
  }

  private static String queryString(DatabaseSettings db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
