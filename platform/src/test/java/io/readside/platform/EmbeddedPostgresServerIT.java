package io.readside.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
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

  private static void execute(DatabaseSettings db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static int queryInt(DatabaseSettings db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
