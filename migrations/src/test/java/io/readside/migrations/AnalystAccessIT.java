package io.readside.migrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/ANALYSTS.md is a spec: its login recipe and every query in it run as an analyst. */
class AnalystAccessIT {
  private static final Path DOC = Path.of("..", "docs", "ANALYSTS.md");
  private static DatabaseSettings admin;
  private static DatabaseSettings analyst;
  private static String appLogin;

  @BeforeAll
  static void createAnalystLogin() throws Exception {
    admin = TestDatabase.freshDatabase(AnalystAccessIT.class);
    // A login of the application that exists before the hardening migration keeps TEMP.
    appLogin = uniqueName("app");
    TestSql.update(admin, "CREATE ROLE " + appLogin + " LOGIN PASSWORD 'app-password'");
    Migrations.migrate(admin);
    seedReadModel();
    // The doc's own statement, with a name of this run's (logins are server-wide).
    analyst = createDocumentedLogin(uniqueName("alice"));
  }

  private static String uniqueName(String prefix) {
    return prefix + "_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100000;
  }

  /** The doc's own statement, with a name of this run's (logins are server-wide). */
  private static DatabaseSettings createDocumentedLogin(String login) throws Exception {
    Matcher create = Pattern.compile("SELECT readside_create_analyst\\('alice', '([^']+)'\\);").matcher(Files.readString(DOC));
    assertTrue(create.find(), "docs/ANALYSTS.md must show how to create a login in role analyst");
    TestSql.rows(admin, create.group(0).replace("alice", login));
    return new DatabaseSettings(admin.url(), login, create.group(1));
  }

  private static void seedReadModel() {
    TestSql.update(admin, "INSERT INTO read_model.cart_summary VALUES ('c1', 0, 'checked_out', 2, 3, 500, 3, now() - interval '1 day', now() - interval '1 day', now() - interval '1 day')");
    TestSql.update(admin, "INSERT INTO read_model.cart_summary VALUES ('c2', 1, 'open', 1, 1, 100, 1, now() - interval '10 days', now() - interval '9 days', NULL)");
    TestSql.update(admin, "INSERT INTO read_model.cart_line VALUES ('c1', 'apple', 2, 200), ('c1', 'pear', 1, 100), ('c2', 'plum', 1, 100)");
    TestSql.update(admin, "INSERT INTO read_model.item_popularity_by_slice VALUES ('apple', 0, 0, 2), ('pear', 0, 0, 1), ('plum', 1, 1, 0)");
    TestSql.update(admin, "INSERT INTO read_model.daily_sales_by_slice VALUES (current_date - 1, 0, 1, 3, 500)");
    TestSql.update(admin, "INSERT INTO pekko_projection_offset_store VALUES ('cart-summary', 'carts-0', '0', 'SEQ', false, 0)");
  }

  private static List<String> documentedQueries() throws Exception {
    List<String> queries = new ArrayList<>();
    Matcher block = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
    while (block.find()) {
      queries.add(block.group(1).trim());
    }
    return queries;
  }

  @Test
  void everyDocumentedQueryRunsAsAnAnalyst() throws Exception {
    List<String> queries = documentedQueries();
    assertTrue(queries.size() >= 6, "docs/ANALYSTS.md must give at least six example queries, has " + queries.size());
    try (Connection c = DriverManager.getConnection(analyst.url(), analyst.user(), analyst.password());
        Statement s = c.createStatement()) {
      for (String query : queries) {
        try {
          s.executeQuery(query).close();
        } catch (SQLException e) {
          throw new AssertionError("documented query fails for an analyst:\n" + query + "\n" + e.getMessage(), e);
        }
      }
    }
  }

  @Test
  void theViewsAnswerFromTheReadModel() {
    assertEquals(1L, TestSql.longValue(analyst, "SELECT carts FROM read_model.cart_status_counts WHERE status = 'open'"));
    assertEquals(1L, TestSql.longValue(analyst, "SELECT sales_rank FROM read_model.top_items WHERE item_id = 'apple'"));
    assertEquals(1L, TestSql.longValue(analyst, "SELECT count(*) FROM read_model.abandoned_carts WHERE idle_days > 7"));
    assertEquals(500L, TestSql.longValue(analyst, "SELECT cumulative_revenue_cents FROM read_model.daily_revenue"));
    assertEquals(0L, TestSql.longValue(analyst, "SELECT lag_events FROM read_model.projection_status WHERE projection_name = 'cart-summary'"));
  }

  @Test
  void anAnalystIsRefusedOnTheJournalTheOffsetsAndEveryWrite() throws Exception {
    for (String sql : List.of(
        "SELECT * FROM event_journal",
        "SELECT * FROM event_tag",
        "SELECT * FROM snapshot",
        "SELECT * FROM pekko_projection_offset_store",
        "SELECT * FROM pekko_projection_management",
        "SELECT * FROM readside_admin_audit",
        "SELECT * FROM readside_dead_letter",
        "SELECT * FROM readside_horizon_page('carts-0', '0'::xid8, 0, 10)",
        "INSERT INTO read_model.cart_summary VALUES ('x', 0, 'open', 0, 0, 0, 1, now(), now(), NULL)",
        "UPDATE read_model.cart_summary SET total_cents = 0",
        "DELETE FROM read_model.cart_line",
        "TRUNCATE read_model.daily_sales_by_slice",
        "CREATE TABLE read_model.mine (x int)",
        "CREATE TABLE public.mine (x int)",
        "DROP VIEW read_model.daily_sales")) {
      try (Connection c = DriverManager.getConnection(analyst.url(), analyst.user(), analyst.password());
          Statement s = c.createStatement()) {
        SQLException refused = assertThrows(SQLException.class, () -> s.execute(sql), sql);
        assertTrue(
            "42501".equals(refused.getSQLState()) || refused.getMessage().contains("must be owner"),
            sql + " -> " + refused.getSQLState() + " " + refused.getMessage());
      }
    }
  }

  @Test
  void anAnalystsLoginHasTheGroupsTimeoutsAndConnectionLimit() throws Exception {
    try (Connection c = connect(analyst); Statement s = c.createStatement()) {
      assertEquals("30s", show(s, "statement_timeout"));
      assertEquals("5min", show(s, "idle_in_transaction_session_timeout"));
    }
    assertEquals(5L, TestSql.longValue(admin, "SELECT rolconnlimit FROM pg_roles WHERE rolname = ?", analyst.user()));
  }

  @Test
  void anAnalystCannotCreateTablesTemporaryTablesOrSchemas() throws Exception {
    for (String sql : List.of(
        "CREATE TEMP TABLE mine (x int)",
        "CREATE TEMPORARY TABLE pg_temp.mine (x int)",
        "CREATE TABLE mine (x int)",
        "CREATE TABLE readside_shadow.mine (x int)",
        "CREATE VIEW public.mine AS SELECT 1",
        "CREATE SCHEMA mine")) {
      try (Connection c = connect(analyst); Statement s = c.createStatement()) {
        SQLException refused = assertThrows(SQLException.class, () -> s.execute(sql), sql);
        assertEquals("42501", refused.getSQLState(), sql + " -> " + refused.getMessage());
      }
    }
    // Not by grant to PUBLIC, nor to analyst, in any schema of the database.
    assertEquals(0L, TestSql.longValue(admin,
        "SELECT count(*) FROM pg_namespace WHERE nspname !~ '^pg_(toast|temp)' AND has_schema_privilege(?, oid, 'CREATE')",
        analyst.user()));
    assertEquals(0L, TestSql.longValue(admin,
        "SELECT count(*) FROM pg_database WHERE datname = current_database() AND (has_database_privilege(?, oid, 'CREATE') OR has_database_privilege(?, oid, 'TEMP'))",
        analyst.user(), analyst.user()));
    // The application's own login keeps TEMP: `readside verify` replays into temporary tables.
    try (Connection c = DriverManager.getConnection(admin.url(), appLogin, "app-password"); Statement s = c.createStatement()) {
      s.execute("CREATE TEMP TABLE verify_like (x int)");
    }
  }

  @Test
  void theConnectionLimitHolds() throws Exception {
    DatabaseSettings bob = createDocumentedLogin(uniqueName("bob"));
    List<Connection> open = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        open.add(connect(bob));
      }
      SQLException refused = assertThrows(SQLException.class, () -> connect(bob).close());
      assertEquals("53300", refused.getSQLState(), refused.getMessage()); // too many connections for role
    } finally {
      for (Connection c : open) {
        c.close();
      }
    }
  }

  @Test
  void aChangedLimitReachesEveryAnalystsLoginAndCancelsALongQuery() throws Exception {
    String readApi = uniqueName("read_api");
    TestSql.update(admin, "CREATE ROLE " + readApi + " LOGIN PASSWORD 'x' IN ROLE analyst");
    try {
      // The doc's statements, with a 1 s timeout instead of its 2 min so the test is quick.
      TestSql.update(admin, "ALTER ROLE analyst SET statement_timeout = '1s'");
      TestSql.update(admin, "ALTER ROLE analyst CONNECTION LIMIT 7");
      assertTrue(TestSql.longValue(admin, "SELECT readside_apply_analyst_limits()") >= 1);
      assertEquals(7L, TestSql.longValue(admin, "SELECT rolconnlimit FROM pg_roles WHERE rolname = ?", analyst.user()));
      // A member of analyst that is not an analyst's login (the read API's) is left alone.
      assertEquals(-1L, TestSql.longValue(admin, "SELECT rolconnlimit FROM pg_roles WHERE rolname = ?", readApi));
      try (Connection c = connect(analyst); Statement s = c.createStatement()) {
        assertEquals("1s", show(s, "statement_timeout"));
        long start = System.nanoTime();
        SQLException cancelled = assertThrows(SQLException.class, () -> s.execute("SELECT pg_sleep(20)"));
        assertEquals("57014", cancelled.getSQLState(), cancelled.getMessage()); // query_canceled
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertTrue(seconds < 10, "cancelled after " + seconds + " s");
      }
    } finally {
      TestSql.update(admin, "ALTER ROLE analyst SET statement_timeout = '30s'");
      TestSql.update(admin, "ALTER ROLE analyst CONNECTION LIMIT 5");
      TestSql.longValue(admin, "SELECT readside_apply_analyst_limits()");
      TestSql.update(admin, "DROP ROLE " + readApi);
    }
  }

  private static Connection connect(DatabaseSettings login) throws SQLException {
    return DriverManager.getConnection(login.url(), login.user(), login.password());
  }

  private static String show(Statement s, String setting) throws SQLException {
    try (var rs = s.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
