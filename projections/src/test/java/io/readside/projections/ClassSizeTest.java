package io.readside.projections;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Small classes a newcomer can read in one sitting (issue 14): no main source of the projections
 * module (the worker, its admin, the projections) over {@value #MAX_LINES} lines.
 */
class ClassSizeTest {
  static final int MAX_LINES = 220;

  private static final Path SOURCES = AdminTableOwnersTest.ROOT.resolve("projections/src/main/java");

  @Test
  void noMainClassOfTheProjectionsModuleIsLongerThanTheLimit() {
    List<Path> sources = AdminTableOwnersTest.files(SOURCES, ".java");
    assertTrue(sources.size() > 50, "found only " + sources.size() + " sources under " + SOURCES);
    List<String> offenders = sources.stream()
        .filter(p -> lines(p) > MAX_LINES)
        .map(p -> SOURCES.relativize(p) + " has " + lines(p) + " lines")
        .toList();
    assertTrue(offenders.isEmpty(), "split these (at most " + MAX_LINES + " lines each):\n  " + String.join("\n  ", offenders));
  }

  private static long lines(Path file) {
    return AdminTableOwnersTest.read(file).lines().count();
  }
}
