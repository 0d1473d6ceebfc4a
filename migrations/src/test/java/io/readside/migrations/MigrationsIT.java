package io.readside.migrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationsIT {

  @Test
  void migratesAnEmptyDatabaseAndIsANoOpTheSecondTime() {
    DatabaseSettings db = TestDatabase.freshDatabase(MigrationsIT.class);
    assertTrue(Migrations.migrate(db).migrationsExecuted >= 5);
    assertEquals(0, Migrations.migrate(db).migrationsExecuted);
  }

  @Test
  void everyReadModelTableAndColumnHasAComment() throws Exception {
    DatabaseSettings db = TestDatabase.freshDatabase(MigrationsIT.class);
    Migrations.migrate(db);
    List<String> uncommented = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                """
                SELECT cls.relname, NULL AS attname
                  FROM pg_class cls JOIN pg_namespace n ON n.oid = cls.relnamespace
                 WHERE n.nspname = 'read_model' AND cls.relkind IN ('r', 'v')
                   AND obj_description(cls.oid, 'pg_class') IS NULL
                UNION ALL
                SELECT cls.relname, a.attname
                  FROM pg_class cls JOIN pg_namespace n ON n.oid = cls.relnamespace
                  JOIN pg_attribute a ON a.attrelid = cls.oid AND a.attnum > 0 AND NOT a.attisdropped
                 WHERE n.nspname = 'read_model' AND cls.relkind IN ('r', 'v')
                   AND col_description(cls.oid, a.attnum) IS NULL
                """)) {
      while (rs.next()) {
        uncommented.add(rs.getString(1) + (rs.getString(2) == null ? "" : "." + rs.getString(2)));
      }
    }
    assertEquals(List.of(), uncommented, "read_model objects without COMMENT");
  }

  @Test
  void journalRowsGetTheirTransactionIdByDefault() throws Exception {
    DatabaseSettings db = TestDatabase.freshDatabase(MigrationsIT.class);
    Migrations.migrate(db);
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO event_journal(persistence_id, sequence_number, writer, event_ser_id, event_ser_manifest, event_payload)"
              + " VALUES ('p', 1, 'w', 1, 'm', '\\x00')");
      try (ResultSet rs = s.executeQuery("SELECT tx_id IS NOT NULL FROM event_journal")) {
        rs.next();
        assertTrue(rs.getBoolean(1));
      }
    }
  }
}
