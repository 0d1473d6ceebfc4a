package io.readside.projections.itemsremoved;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.readside.events.CartEvent;
import io.readside.events.CartEvent.CheckedOut;
import io.readside.events.CartEvent.ItemAdded;
import io.readside.events.CartEvent.ItemRemoved;
import io.readside.platform.TestSql;
import io.readside.projections.ProjectionRig;
import io.readside.projections.ReadModelProjection;
import io.readside.projections.SequencedEvent;
import io.readside.projections.SliceWriter;
import io.readside.projections.itemsremoved.ItemsRemovedHandler.Removed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's worked example of adding a projection: items-removed, its handler, repository,
 * migration and this test, registered by the one line below, run through the worker's machinery.
 * It also fails when the README's walk-through stops naming exactly these files.
 */
class ItemsRemovedProjectionIT {
  static final ReadModelProjection ITEMS_REMOVED =
      new ReadModelProjection("items-removed", SliceWriter.of(ItemsRemovedHandler::handle, ItemsRemovedRepository::write),
          "read_model.items_removed_by_slice", false, List.of("items_removed_by_slice"), List.of());

  @RegisterExtension static final ProjectionRig rig = ProjectionRig.withMigrations("classpath:db/walkthrough");

  private static final Instant AT = Instant.parse("2026-11-30T10:00:00Z");

  @Test
  void theHandlerCountsEachRemovalAndItsQuantityPerItem() {
    var changes =
        ItemsRemovedHandler.handle(
            List.of(
                new SequencedEvent(1, new ItemAdded("a", "pear", 2, 50, AT)),
                new SequencedEvent(2, new ItemRemoved("a", "pear", 2, AT)),
                new SequencedEvent(1, new ItemRemoved("b", "apple", 3, AT)),
                new SequencedEvent(2, new ItemRemoved("b", "pear", 1, AT)),
                new SequencedEvent(3, new CheckedOut("b", List.of(), 0, 0, AT))));
    assertEquals(List.of(new Removed("apple", 1, 3), new Removed("pear", 2, 3)), changes.items());
  }

  private static final List<Map<String, Object>> CART_ROWS =
      List.of(
          Map.of("item_id", "apple", "removals", 2L, "quantity_removed", 4L),
          Map.of("item_id", "pear", "removals", 1L, "quantity_removed", 2L));

  /** One cart that puts apples in and takes them out twice, and a pear once. */
  private static List<EventEnvelope<CartEvent>> cart(String id) {
    return ProjectionRig.journal(
        1,
        List.of(
            List.of(
                new ItemAdded(id, "apple", 3, 100, AT),
                new ItemRemoved(id, "apple", 3, AT),
                new ItemAdded(id, "apple", 1, 100, AT),
                new ItemRemoved(id, "apple", 1, AT),
                new ItemAdded(id, "pear", 2, 50, AT),
                new ItemRemoved(id, "pear", 2, AT))));
  }

  @Test
  void countsEachItemsRemovalsInItsSlice() {
    rig.run(ITEMS_REMOVED, 3, cart("c3"), () -> assertEquals(CART_ROWS, rows(3)));
  }

  /** Additive: the offset committed with the rows keeps a redelivered removal from counting twice. */
  @Test
  void aRemovalDeliveredAgainAfterARestartIsCountedOnce() {
    rig.runThenRedeliverWith(
        ITEMS_REMOVED, 4, cart("c4"), new ItemRemoved("d4", "apple", 5, AT),
        () -> rows(4), CART_ROWS, List.of(Map.of("item_id", "apple", "removals", 3L, "quantity_removed", 9L), CART_ROWS.get(1)));
  }

  @Test
  void rebuildingOneSliceReplaysItToTheSameRowsAndLeavesTheOtherSliceAlone() throws Exception {
    rig.run(ITEMS_REMOVED, 5, cart("c5"), () -> assertEquals(CART_ROWS, rows(5)));
    rig.run(ITEMS_REMOVED, 6, cart("c6"), () -> assertEquals(CART_ROWS, rows(6)));
    rig.clearSlice(ITEMS_REMOVED, 5);
    assertEquals(List.of(), rows(5));
    assertEquals(CART_ROWS, rows(6));
    rig.run(ITEMS_REMOVED, 5, cart("c5"), () -> assertEquals(CART_ROWS, rows(5)));
    assertEquals(CART_ROWS, rows(6));
  }

  private static List<Map<String, Object>> rows(int slice) {
    return TestSql.rows(
        rig.db(),
        "SELECT item_id, removals, quantity_removed FROM read_model.items_removed_by_slice WHERE slice = ? ORDER BY item_id",
        slice);
  }

  private static final Path EXAMPLE_SOURCES = Path.of("projections/src/test/java/io/readside/projections/itemsremoved");
  private static final Path EXAMPLE_MIGRATIONS = Path.of("projections/src/test/resources/db/walkthrough");

  /** The walk-through names exactly this example's files, and shows this class's registration line. */
  @Test
  void theReadmeWalkThroughNamesExactlyThisExamplesFiles() throws IOException {
    Path root = repositoryRoot();
    String readme = Files.readString(root.resolve("README.md"));
    int start = readme.indexOf("\n## Adding a projection\n");
    assertTrue(start >= 0, "README has no '## Adding a projection' section");
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);

    Set<String> named = new TreeSet<>();
    Matcher path = Pattern.compile("`(projections/src/test/[^`<>]+)`").matcher(section);
    while (path.find()) {
      named.add(path.group(1));
    }
    Set<String> files = new TreeSet<>();
    for (Path dir : List.of(EXAMPLE_SOURCES, EXAMPLE_MIGRATIONS)) {
      try (Stream<Path> listed = Files.list(root.resolve(dir))) {
        listed.forEach(f -> files.add(dir.resolve(f.getFileName()).toString().replace('\\', '/')));
      }
    }
    assertEquals(files, named);

    Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(section);
    assertTrue(block.find(), "the section shows no registration line");
    String source = Files.readString(root.resolve(EXAMPLE_SOURCES).resolve(getClass().getSimpleName() + ".java"));
    assertTrue(
        oneLine(source).contains(oneLine(block.group(1))),
        "the README's registration is not this class's: " + oneLine(block.group(1)));
  }

  private static String oneLine(String code) {
    return code.replaceAll("\\s+", " ").replace("( ", "(").trim();
  }

  /** Maven runs the test in projections/; an IDE may run it at the root. */
  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("README.md")) && Files.isDirectory(dir.resolve(EXAMPLE_SOURCES))) {
        return dir;
      }
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }
}
