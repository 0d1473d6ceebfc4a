package io.readside.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One owner class per admin table (issue 14): every INSERT, UPDATE, DELETE or TRUNCATE of the
 * table in the main sources of every module is in its owner's file; everyone else calls the
 * owner. The inventory (docs/ADMIN-TABLES.md says why each owner):
 *
 * <pre>
 * table                          owner (the only writer)
 * readside_projection_slice      projections/SliceStatusTable       (instance lifecycle, rebuild target)
 * readside_admin_audit           projections/admin/AdminAudit
 * readside_dead_letter           projections/DeadLetters
 * readside_slice_epoch           projections/SliceFence
 * readside_shadow_rebuild        projections/admin/ShadowRebuildProgress
 * readside_skipped_event         projections/admin/CompletenessAudit
 * readside_skip_repaired         projections/admin/CompletenessAudit
 * pekko_projection_offset_store  projections/admin/OffsetStore       (besides pekko-projection-jdbc itself)
 * pekko_projection_management    projections/admin/OffsetStore       (besides pekko-projection-jdbc itself)
 * </pre>
 */
class AdminTableOwnersTest {
  private static final String MAIN = "projections/src/main/java/io/readside/projections/";

  static final Map<String, String> OWNERS = Map.of(
      "readside_projection_slice", MAIN + "SliceStatusTable.java",
      "readside_admin_audit", MAIN + "admin/AdminAudit.java",
      "readside_dead_letter", MAIN + "DeadLetters.java",
      "readside_slice_epoch", MAIN + "SliceFence.java",
      "readside_shadow_rebuild", MAIN + "admin/ShadowRebuildProgress.java",
      "readside_skipped_event", MAIN + "admin/CompletenessAudit.java",
      "readside_skip_repaired", MAIN + "admin/CompletenessAudit.java",
      "pekko_projection_offset_store", MAIN + "admin/OffsetStore.java",
      "pekko_projection_management", MAIN + "admin/OffsetStore.java");

  /** A write statement and the table it writes (optionally schema-qualified with public); not ON CONFLICT's DO UPDATE SET. */
  static final Pattern WRITE = Pattern.compile(
      "\\b(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM|TRUNCATE(?:\\s+TABLE)?|MERGE\\s+INTO)\\s+(?:public\\.)?(?!set\\b)([a-z_][a-z0-9_]*)",
      Pattern.CASE_INSENSITIVE);

  private static final Pattern ADMIN_TABLE =
      Pattern.compile("CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:public\\.)?((?:readside|pekko_projection)_[a-z0-9_]+)", Pattern.CASE_INSENSITIVE);

  static final Path ROOT = Path.of(System.getProperty("readside.root", "..")).toAbsolutePath().normalize();

  @Test
  void everyAdminTableInTheMigrationsHasAnOwner() {
    Set<String> created = new TreeSet<>();
    for (Path sql : files(ROOT.resolve("migrations/src/main/resources/db/migration"), ".sql")) {
      Matcher m = ADMIN_TABLE.matcher(read(sql));
      while (m.find()) {
        created.add(m.group(1).toLowerCase());
      }
    }
    assertEquals(new TreeSet<>(OWNERS.keySet()), created,
        "admin tables created by the migrations vs. those with a declared owner in " + AdminTableOwnersTest.class.getSimpleName());
  }

  @Test
  void eachAdminTableIsWrittenOnlyByItsOwner() {
    Map<String, Set<String>> writers = writersByTable();
    List<String> offenders = new ArrayList<>();
    OWNERS.forEach((table, owner) -> {
      for (String writer : writers.getOrDefault(table, Set.of())) {
        if (!writer.equals(owner)) {
          offenders.add(table + " is written by " + writer + " (owner: " + owner + ")");
        }
      }
      if (!writers.getOrDefault(table, Set.of()).contains(owner)) {
        offenders.add(table + ": its declared owner " + owner + " does not write it");
      }
    });
    assertTrue(offenders.isEmpty(), "one owner per admin table; call the owner instead:\n  " + String.join("\n  ", offenders));
  }

  @Test
  void theScanSeesWritesInTextBlocksAndStringsAlike() {
    String source = """
        ps = c.prepareStatement("UPDATE readside_projection_slice SET node = ?");
        String sql = \"""
            INSERT INTO public.readside_dead_letter (id) VALUES (?)
            ON CONFLICT (id) DO UPDATE SET id = 1
            \""";
        st.executeUpdate("DELETE FROM pekko_projection_offset_store");
        st.execute("truncate table readside_admin_audit");
        """;
    assertEquals(Set.of("readside_projection_slice", "readside_dead_letter", "pekko_projection_offset_store", "readside_admin_audit"),
        tablesWritten(source));
  }

  static Set<String> tablesWritten(String source) {
    Set<String> tables = new TreeSet<>();
    Matcher m = WRITE.matcher(source);
    while (m.find()) {
      tables.add(m.group(2).toLowerCase());
    }
    return tables;
  }

  private static Map<String, Set<String>> writersByTable() {
    Map<String, Set<String>> writers = new TreeMap<>();
    for (Path file : mainSources()) {
      String relative = ROOT.relativize(file).toString().replace('\\', '/');
      for (String table : tablesWritten(read(file))) {
        writers.computeIfAbsent(table, t -> new TreeSet<>()).add(relative);
      }
    }
    assertTrue(writers.containsKey("readside_dead_letter"), "the scan found no writes at all under " + ROOT);
    return writers;
  }

  /** The Java main sources of every module (write-side's nested modules included), not build output. */
  static List<Path> mainSources() {
    return files(ROOT, ".java").stream()
        .filter(p -> p.toString().replace('\\', '/').contains("/src/main/java/"))
        .filter(p -> !p.toString().replace('\\', '/').contains("/target/"))
        .toList();
  }

  static List<Path> files(Path dir, String suffix) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> p.toString().endsWith(suffix))
          .filter(p -> !p.toString().contains("/node_modules/") && !p.toString().contains("/.git/"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
