package io.readside.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium, headless, driven through Debian's chromedriver. Both paths are given, so
 * Selenium Manager never looks for (or downloads) a browser or driver. A missing browser fails
 * the test with what to install: a browser test that skips itself proves nothing.
 */
final class Chromium {
  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private Chromium() {}

  static void requireInstalled() {
    List<Path> missing = List.of(BROWSER, DRIVER).stream().filter(p -> !Files.isExecutable(p)).toList();
    if (!missing.isEmpty()) {
      throw new AssertionError(
          "the console's browser test needs Debian's chromium and chromedriver; missing: " + missing
              + ". Install them with: sudo apt-get install -y chromium chromium-driver"
              + " (ops/bin/readside test does this by itself when run as root).");
    }
  }

  /** A fresh headless browser with its own profile directory, deleted by {@link Session#close()}. */
  static Session start() throws IOException {
    requireInstalled();
    Path profile = Files.createTempDirectory("readside-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    // The browser's console log, so a test can see Content-Security-Policy violations and script errors.
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
    return new Session(new ChromeDriver(service, options), profile);
  }

  record Session(ChromeDriver driver, Path profile) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      try {
        driver.quit();
      } finally {
        try (var files = Files.walk(profile)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }
}
