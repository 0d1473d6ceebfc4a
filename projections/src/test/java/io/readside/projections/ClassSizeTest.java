package io.readside.projections;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Small classes a newcomer can read in one sitting (issue 14): no main class of the worker's own
 * packages (io.readside.projections and its admin package) over {@value #MAX_LINES} lines. The
 * projections' packages (cartsummary, dailysales, itempopularity) are being split into handlers
 * and repositories under issue 14 on another branch; add them here when that lands.
 */
class ClassSizeTest {
  static final int MAX_LINES = 220;

  private static final Path PACKAGE = AdminTableOwnersTest.ROOT.resolve("projections/src/main/java/io/readside/projections");

  @Test
  void noClassOfTheWorkerOrItsAdminIsLongerThanTheLimit() {
    List<Path> sources = AdminTableOwnersTest.files(PACKAGE, ".java").stream()
        .filter(p -> p.getParent().equals(PACKAGE) || p.getParent().equals(PACKAGE.resolve("admin")))
        .toList();
    assertTrue(sources.size() > 30, "found only " + sources.size() + " sources under " + PACKAGE);
    List<String> offenders = sources.stream()
        .filter(p -> lines(p) > MAX_LINES)
        .map(p -> PACKAGE.relativize(p) + " has " + lines(p) + " lines")
        .toList();
    assertTrue(offenders.isEmpty(), "split these (at most " + MAX_LINES + " lines each):\n  " + String.join("\n  ", offenders));
  }

  private static long lines(Path file) {
    return AdminTableOwnersTest.read(file).lines().count();
  }
}
