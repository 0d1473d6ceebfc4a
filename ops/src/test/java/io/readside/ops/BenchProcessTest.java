package io.readside.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.readside.platform.DatabaseSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchProcessTest {
  /** A node that cannot start says so at once, with its own words, not after the 120 s start timeout. */
  @Test
  void aNodeThatExitsBeforeItListensFailsAtOnceWithItsLastLines(@TempDir Path logs) throws Exception {
    long started = System.nanoTime();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> BenchProcess.start("write-side",
        new DatabaseSettings("jdbc:postgresql://127.0.0.1:1/none", "nobody", ""), Map.of(), Map.of(),
        List.of("-XX:+NoSuchOptionForReadside"), logs));
    double seconds = (System.nanoTime() - started) / 1e9;
    assertTrue(e.getMessage().startsWith("write-side exited with 1 before it listened: "), e.getMessage());
    assertTrue(e.getMessage().contains("NoSuchOptionForReadside"), e.getMessage());
    assertTrue(seconds < 60, "took " + seconds + " s");
    try (var files = Files.list(logs)) {
      assertTrue(e.getMessage().contains(files.findFirst().orElseThrow().toString()), e.getMessage());
    }
  }
}
