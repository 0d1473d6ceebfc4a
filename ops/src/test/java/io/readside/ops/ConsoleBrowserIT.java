package io.readside.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import io.readside.platform.TestSql;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operators' console in a real headless chromium, against a worker with every role: sign in,
 * see every slice, pause and resume a slice while writes make its lag grow, rebuild a slice and
 * see its progress reach done, rewind after a dry run, retry a dead letter, and a wrong token.
 * Each test uses its own projection and slice, so they do not depend on their order.
 */
class ConsoleBrowserIT {
  private static DatabaseSettings db;
  private static ReadsideNode node;
  private static HttpJson write;
  private static HttpJson read;
  private static String console;
  private static Chromium.Session session;
  private static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    Chromium.requireInstalled();
    db = TestDatabase.freshDatabase(ConsoleBrowserIT.class);
    Migrations.migrate(db);
    node = TestNodes.start(db, ReadsideNode.allRoles(), ConfigFactory.parseMap(Map.of("readside.worker.failures.retries", 1)));
    write = new HttpJson(node.writeSideAddress().orElseThrow());
    read = new HttpJson(node.readApiAddress().orElseThrow());
    console = "http://127.0.0.1:" + node.adminAddress().orElseThrow().getPort() + "/console";
    session = Chromium.start();
    browser = session.driver();
  }

  @AfterAll
  static void stop() throws Exception {
    if (session != null) {
      session.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @BeforeEach
  void freshTab() {
    browser.get(console);
    browser.executeScript("sessionStorage.clear()");
    browser.navigate().refresh();
  }

  /** No script error and no Content-Security-Policy violation in any test. */
  @AfterEach
  void noErrorsInTheBrowserConsole() {
    List<String> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        // The wrong-token test's 401 answers are expected; chromium logs every non-2xx fetch.
        .filter(m -> !m.contains("401 (Unauthorized)") && !m.contains("409 (Conflict)"))
        .toList();
    assertEquals(List.of(), severe);
  }

  @Test
  void aWrongTokenShowsAClearMessageAndKeepsNothing() {
    browser.findElement(By.id("token")).sendKeys("not-the-admin-token-at-all");
    browser.findElement(By.id("sign-in")).click();
    waitFor(d -> text("#login-error").contains("Wrong token"));
    assertTrue(text("#login-error").contains("401"), text("#login-error"));
    assertFalse(browser.findElement(By.id("console")).isDisplayed());
    assertNull(browser.executeScript("return sessionStorage.getItem('readside.adminToken')"));
  }

  @Test
  void signedInItShowsEverySliceOfEveryProjectionAndKeepsTheTokenOutOfUrlsAndCookies() throws Exception {
    signIn();
    waitFor(d -> rows().size() == 3 * 4);
    for (String projection : List.of("cart-summary", "item-popularity", "daily-sales")) {
      for (int slice = 0; slice < 4; slice++) {
        assertTrue(row(projection, slice).isDisplayed(), projection + " " + slice);
      }
    }
    // For a look at the page after a run: ops/target/console.png.
    java.nio.file.Files.copy(browser.getScreenshotAs(org.openqa.selenium.OutputType.FILE).toPath(),
        java.nio.file.Path.of("target", "console.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertEquals(TestNodes.ADMIN_TOKEN, browser.executeScript("return sessionStorage.getItem('readside.adminToken')"));
    assertFalse(browser.getCurrentUrl().contains(TestNodes.ADMIN_TOKEN));
    assertTrue(browser.manage().getCookies().isEmpty(), browser.manage().getCookies().toString());
    // A reload stays signed in (same tab), and it refreshes by itself: the clock moves.
    browser.navigate().refresh();
    waitFor(d -> rows().size() == 12);
    String first = text("#refreshed");
    waitFor(d -> !text("#refreshed").equals(first));
  }

  @Test
  void pausingASliceShowsItPausedWhileItsLagGrowsAndResumingCatchesUp() {
    signIn();
    clickIn(row("cart-summary", 1), "Pause");
    waitFor(d -> cell("cart-summary", 1, "state").equals("paused"));
    String cart = TestNodes.cartInSlice("paused-", 1);
    for (int i = 0; i < 3; i++) {
      add(cart, "item-" + i);
    }
    waitFor(d -> Long.parseLong(cell("cart-summary", 1, "lag-events")) >= 3);
    // The sparkline has the history the page kept.
    waitFor(d -> !row("cart-summary", 1).findElements(By.cssSelector("td.sparkline polyline")).isEmpty());
    clickIn(row("cart-summary", 1), "Resume");
    waitFor(d -> cell("cart-summary", 1, "state").equals("running") && cell("cart-summary", 1, "lag-events").equals("0"));
    assertTrue(text("#audit").contains("pause") && text("#audit").contains("resume"), text("#audit"));
  }

  @Test
  void rebuildingASliceAfterAConfirmShowsItsProgressUntilDone() {
    String cart = TestNodes.cartInSlice("rebuilt-", 2);
    for (int i = 0; i < 4; i++) {
      add(cart, "item-" + i);
    }
    signIn();
    waitFor(d -> cell("item-popularity", 2, "lag-events").equals("0"));
    // Paused, the rebuilt slice waits at 0 of its events, so the page shows the progress before it runs.
    clickIn(row("item-popularity", 2), "Pause");
    waitFor(d -> cell("item-popularity", 2, "state").equals("paused"));
    clickIn(row("item-popularity", 2), "Rebuild");
    waitFor(d -> browser.findElement(By.id("confirm")).isDisplayed());
    assertTrue(text("#confirm-title").contains("item-popularity slice 2"), text("#confirm-title"));
    browser.findElement(By.id("confirm-ok")).click();
    waitFor(d -> cell("item-popularity", 2, "rebuild").contains("0 / 4"));
    assertTrue(text("#message").contains("rebuild item-popularity slice 2: done"), text("#message"));
    clickIn(row("item-popularity", 2), "Resume");
    waitFor(d -> cell("item-popularity", 2, "rebuild").startsWith("done"));
    assertEquals(4L, TestSql.longValue(db, "SELECT count(*) FROM read_model.item_popularity_by_slice WHERE slice = 2"));
  }

  @Test
  void aRebuildWithoutDowntimeAfterAConfirmShowsItsProgressUntilDone() {
    String cart = TestNodes.cartInSlice("shadow-", 3);
    for (int i = 0; i < 3; i++) {
      add(cart, "shadow-item-" + i);
    }
    assertEquals(200, write.post("/carts/" + cart + "/checkout", "").status());
    signIn();
    waitFor(d -> cell("daily-sales", 3, "lag-events").equals("0"));
    assertTrue(TestSql.longValue(db, "SELECT coalesce(sum(items_sold), 0) FROM read_model.daily_sales_by_slice WHERE slice = 3") >= 3);
    long rowsBefore = TestSql.longValue(db, "SELECT count(*) FROM read_model.daily_sales_by_slice");
    long addsBefore = TestSql.longValue(db, "SELECT coalesce(sum(items_sold), 0) FROM read_model.daily_sales_by_slice");
    clickInProjection("daily-sales", "Rebuild without downtime…");
    waitFor(d -> browser.findElement(By.id("confirm")).isDisplayed());
    assertTrue(text("#confirm-title").contains("daily-sales without downtime"), text("#confirm-title"));
    browser.findElement(By.id("confirm-ok")).click();
    waitFor(d -> shadowRebuildLine("daily-sales").map(p -> "done".equals(p.getDomAttribute("data-state"))).orElse(false));
    String line = shadowRebuildLine("daily-sales").orElseThrow().getText();
    assertTrue(line.contains("events replayed") && line.contains("rows swapped"), line);
    // The live table holds what it held: the rebuilt rows replaced it, nothing lost or doubled.
    assertEquals(rowsBefore, TestSql.longValue(db, "SELECT count(*) FROM read_model.daily_sales_by_slice"));
    assertEquals(addsBefore, TestSql.longValue(db, "SELECT coalesce(sum(items_sold), 0) FROM read_model.daily_sales_by_slice"));
    waitFor(d -> text("#audit").contains("rebuild --shadow"));
  }

  @Test
  void rewindingRunsADryRunBeforeItCanBeConfirmed() {
    String cart = TestNodes.cartInSlice("rewound-", 0);
    long seq = add(cart, "a");
    add(cart, "b");
    signIn();
    waitFor(d -> cell("cart-summary", 0, "lag-events").equals("0"));
    clickIn(row("cart-summary", 0), "Rewind…");
    waitFor(d -> browser.findElement(By.id("rewind")).isDisplayed());
    assertFalse(browser.findElement(By.id("rewind-confirm")).isEnabled(), "no rewind before a dry run");
    browser.findElement(By.cssSelector("input[name='rewind-kind'][value='toOffset']")).click();
    browser.findElement(By.id("rewind-target")).sendKeys("0");
    browser.findElement(By.id("rewind-dry-run")).click();
    waitFor(d -> text("#rewind-plan").contains("Dry run"));
    // This test's two events are the only ones of slice 0.
    assertTrue(text("#rewind-plan").contains("slice 0: offset " + TestSql.longValue(db,
        "SELECT max(event_id) FROM event_tag WHERE tag = 'carts-0'") + " → 0, 2 events to replay"), text("#rewind-plan"));
    browser.findElement(By.id("rewind-confirm")).click();
    waitFor(d -> text("#message").contains("rewind cart-summary slice 0: done"));
    assertFalse(browser.findElement(By.id("rewind")).isDisplayed());
    // The replay of the rewound events catches up again.
    waitFor(d -> cell("cart-summary", 0, "lag-events").equals("0"));
    assertEquals(200, read.get("/carts/" + cart + "?minSeqNr=" + (seq + 1)).status());
  }

  @Test
  void theCompletenessAuditAndVerifyRunFromThePage() {
    signIn();
    browser.findElement(By.id("run-completeness")).click();
    waitFor(d -> text("#check-result").startsWith("Complete:"));
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("verify-projection"))).selectByValue("daily-sales");
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("verify-slice"))).selectByValue("1");
    browser.findElement(By.id("run-verify")).click();
    waitFor(d -> text("#check-result").startsWith("Equal: daily-sales matches a replay"));
    assertTrue(text("#check-result").contains("\"projection\" : \"daily-sales\"")
        || text("#check-result").contains("\"projection\": \"daily-sales\""), text("#check-result"));
  }

  @Test
  void aParkedDeadLetterIsListedAndRetriedFromThePage() {
    TestSql.update(db, """
        CREATE OR REPLACE FUNCTION read_model.test_console_poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.item_id = 'poison' THEN RAISE EXCEPTION 'item poison cannot be stored'; END IF;
          RETURN NEW;
        END $$""");
    TestSql.update(db, "CREATE TRIGGER test_console_poison BEFORE INSERT OR UPDATE ON read_model.cart_line"
        + " FOR EACH ROW EXECUTE FUNCTION read_model.test_console_poison()");
    String cart = TestNodes.cartInSlice("poisoned-", 3);
    long seq;
    try {
      seq = add(cart, "poison");
      signIn();
      waitFor(d -> text("#dead-letters").contains("item poison cannot be stored"));
    } finally {
      TestSql.update(db, "DROP TRIGGER test_console_poison ON read_model.cart_line");
    }
    WebElement deadLetter = browser.findElement(By.cssSelector("#dead-letters tr.dead-letter"));
    String id = deadLetter.getDomAttribute("data-id");
    clickIn(deadLetter, "Retry");
    waitFor(d -> text("#message").contains("retried dead letter " + id + ": applied 1 event(s)"));
    waitFor(d -> browser.findElements(By.cssSelector("#dead-letters tr.dead-letter")).isEmpty());
    assertEquals(200, read.get("/carts/" + cart + "?minSeqNr=" + seq + "&waitMs=10000").status());
  }

  @Test
  void thePageIsServedWithAStrictContentSecurityPolicyAndTheApiStillNeedsTheToken() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(console)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
    assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), csp);
    assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
    assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
    assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(""));
    assertFalse(page.body().contains("<script>"), "no inline script");
    HttpResponse<String> script =
        client.send(HttpRequest.newBuilder(URI.create(console + "/console.js")).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(script.headers().firstValue("Content-Type").orElse("").contains("javascript"), script.headers().toString());
    HttpResponse<String> api = client.send(
        HttpRequest.newBuilder(URI.create(console.replace("/console", "/admin/projections"))).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, api.statusCode());
  }

  // ---- helpers ----

  private static long add(String cart, String item) {
    HttpJson.Reply r = write.post("/carts/" + cart + "/items", "{\"itemId\":\"" + item + "\",\"quantity\":1,\"unitPriceCents\":10}");
    assertEquals(200, r.status(), r.body().toString());
    return r.body().get("seqNr").asLong();
  }

  private static void signIn() {
    browser.findElement(By.id("token")).sendKeys(TestNodes.ADMIN_TOKEN);
    browser.findElement(By.id("sign-in")).click();
    waitFor(d -> browser.findElement(By.id("console")).isDisplayed() && !rows().isEmpty());
  }

  /** Waits up to 30 s; the page re-renders every 2 s, so an element read meanwhile may be stale: read again. */
  private static void waitFor(Function<WebDriver, Boolean> condition) {
    new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(100))
        .ignoring(StaleElementReferenceException.class)
        .until(condition);
  }

  private static List<WebElement> rows() {
    return browser.findElements(By.cssSelector("tr.slice"));
  }

  private static WebElement row(String projection, int slice) {
    return browser.findElement(By.cssSelector("tr.slice[data-projection='" + projection + "'][data-slice='" + slice + "']"));
  }

  private static String cell(String projection, int slice, String column) {
    return row(projection, slice).findElement(By.cssSelector("td." + column)).getText().trim();
  }

  private static java.util.Optional<WebElement> shadowRebuildLine(String projection) {
    return browser.findElements(By.cssSelector("section.projection[data-projection='" + projection + "'] p.shadow-rebuild"))
        .stream().findFirst();
  }

  private static void clickInProjection(String projection, String label) {
    waitFor(d -> browser.findElements(By.cssSelector("section.projection[data-projection='" + projection + "'] div.actions button"))
        .stream().filter(b -> b.getText().equals(label)).findFirst()
        .map(b -> {
          b.click();
          return true;
        })
        .orElse(false));
  }

  private static String text(String selector) {
    return browser.findElement(By.cssSelector(selector)).getText();
  }

  /** Clicks the button labelled {@code label} in a row; a re-render in between just means finding it again. */
  private static void clickIn(WebElement container, String label) {
    String projection = container.getDomAttribute("data-projection");
    String slice = container.getDomAttribute("data-slice");
    String id = container.getDomAttribute("data-id");
    waitFor(d -> {
      WebElement fresh = projection != null
          ? row(projection, Integer.parseInt(slice))
          : browser.findElement(By.cssSelector("#dead-letters tr.dead-letter[data-id='" + id + "']"));
      return fresh.findElements(By.tagName("button")).stream().filter(b -> b.getText().equals(label)).findFirst()
          .map(b -> {
            b.click();
            return true;
          })
          .orElse(false);
    });
  }
}
