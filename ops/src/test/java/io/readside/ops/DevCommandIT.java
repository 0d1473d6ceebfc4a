package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * `readside dev` as a newcomer runs it: the built jar in its own JVM on an embedded PostgreSQL.
 * The scripted session (ops/bin/demo) must show up through the read API and through the psql
 * command the banner prints.
 */
class DevCommandIT {
  private static final Path ROOT = Jar.ROOT;

  @Test
  void devServesEverythingOnTheEmbeddedDatabaseAndTheDemoIsVisibleThroughHttpAndPsql() throws Exception {
    Path dataDir = Files.createTempDirectory("readside-dev-it");
    int pgPort = freePort();
    ProcessBuilder builder =
        new ProcessBuilder(Jar.command("dev", "--fresh", "--data-dir", dataDir.toString(), "--pg-port", String.valueOf(pgPort)))
            .redirectErrorStream(true);
    builder.environment().remove("DATABASE_URL");
    builder.environment().put("WRITE_SIDE_PORT", String.valueOf(freePort()));
    builder.environment().put("READ_API_PORT", String.valueOf(freePort()));
    builder.environment().put("CLUSTER_PORT", String.valueOf(freePort()));
    Process dev = builder.start();
    List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(dev.getInputStream(), StandardCharsets.UTF_8));
      String write = null;
      String read = null;
      String psql = null;
      String admin = null;
      String token = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      String line;
      while (System.nanoTime() < deadline && (line = lines.readLine()) != null) {
        output.add(line);
        write = match(line, "^\\s+write side\\s+(http://\\S+)", write);
        read = match(line, "^\\s+read API\\s+(http://\\S+)", read);
        psql = match(line, "^\\s+psql\\s+(psql .+)$", psql);
        admin = match(line, "^\\s+admin\\s+(http://\\S+)", admin);
        token = match(line, "^\\s+admin\\s+http://\\S+\\s+token: (\\S+)", token);
        if (line.startsWith("Stop with Ctrl-C")) {
          break;
        }
      }
      assertTrue(write != null && read != null && psql != null && admin != null && token != null,
          "banner not printed:\n" + String.join("\n", output));
      // It says what it is doing before the banner, and where the console is.
      assertTrue(output.stream().anyMatch(l -> l.startsWith("Starting the write side, projection worker")), String.join("\n", output));
      assertTrue(output.stream().anyMatch(l -> l.matches("\\s+console\\s+http://\\S+/console .*")), String.join("\n", output));
      Thread drain = new Thread(() -> {
        try {
          lines.lines().forEach(output::add);
        } catch (java.io.UncheckedIOException closed) {
          // the process was stopped: its output ends here
        }
      });
      drain.setDaemon(true);
      drain.start();

      String demo = run(List.of(ROOT.resolve("ops/bin/demo").toString(), write, read));
      Matcher cart = Pattern.compile("cart id: (\\S+)").matcher(demo);
      assertTrue(cart.find(), demo);
      String cartId = cart.group(1);
      assertTrue(demo.contains("\"error\":\"item_already_in_cart\""), demo);
      assertTrue(demo.contains("\"cartId\":\"" + cartId + "\",\"status\":\"checked_out\""), demo);
      assertTrue(demo.contains("\"totalCents\":549"), demo);

      List<String> psqlCommand = new ArrayList<>(List.of(psql.split(" ")));
      psqlCommand.addAll(List.of("-tA", "-c", "SELECT status || ' ' || total_cents FROM read_model.cart_summary WHERE cart_id = '" + cartId + "'"));
      assertEquals("checked_out 549", run(psqlCommand).trim());

      // The printed admin token opens the admin endpoint.
      HttpJson adminClient = new HttpJson(new java.net.InetSocketAddress("127.0.0.1", java.net.URI.create(admin).getPort()), "Bearer " + token);
      assertEquals(200, adminClient.get("/admin/projections").status());
      // The shaded jar carries pekko-management's health checks and our readiness checks.
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(200, adminClient.get("/health/ready").status()));

      // Ctrl-C (SIGTERM here) is quiet and quick: PostgreSQL stops only after the node, and the slice
      // status recorder before the pools close, so no "could not record status ... pool has been
      // closed" warnings (there were 25, and 20 s to stop).
      int before = output.size();
      long stopping = System.nanoTime();
      dev.destroy();
      assertTrue(dev.waitFor(60, TimeUnit.SECONDS), "dev did not stop on SIGTERM");
      double seconds = (System.nanoTime() - stopping) / 1e9;
      drain.join(Duration.ofSeconds(5));
      List<String> afterStop;
      synchronized (output) {
        afterStop = List.copyOf(output.subList(before, output.size()));
      }
      System.out.printf("dev stopped %.2f s after SIGTERM%n", seconds);
      List<String> warnings = afterStop.stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
      assertTrue(warnings.isEmpty(), "stopping dev logged:\n" + String.join("\n", warnings));
      assertTrue(seconds < 10, "dev took " + seconds + " s to stop:\n" + String.join("\n", afterStop));
    } finally {
      dev.destroy();
      assertTrue(dev.waitFor(60, TimeUnit.SECONDS), "dev did not stop on SIGTERM");
      io.readside.platform.EmbeddedPostgresServer.deleteRecursively(dataDir);
    }
  }

  private static String match(String line, String regex, String current) {
    Matcher m = Pattern.compile(regex).matcher(line);
    return m.find() ? m.group(1) : current;
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
    assertEquals(0, p.exitValue(), command + "\n" + out);
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
