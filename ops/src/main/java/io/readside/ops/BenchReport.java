package io.readside.ops;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/**
 * What one {@code readside bench} run measured, where and how: printed as one table and written
 * as JSON (every row with its values and units, the machine, the date and the command line).
 */
record BenchReport(Instant started, Instant finished, List<String> commandLine, Machine machine, List<BenchRow> rows) {
  /**
   * @param database        "embedded" (zonky, fsync off) or the DATABASE_URL's host and database
   * @param loadAverageStart the machine's 1-minute load average as the run started (it is shared)
   */
  record Machine(
      int cores, String jdk, List<String> jvmArguments, long maxHeapBytes, String os, String database, String postgresVersion,
      String fsync, String synchronousCommit, double loadAverageStart, double loadAverageEnd) {}

  BenchReport {
    commandLine = List.copyOf(commandLine);
    rows = List.copyOf(rows);
  }

  /** The machine facts that do not change during a run; the load average at the end is filled in by {@link #finish}. */
  static Machine machine(DatabaseSettings db, boolean embedded) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_setting('fsync'), current_setting('synchronous_commit'), current_setting('server_version')")) {
      rs.next();
      return new Machine(Runtime.getRuntime().availableProcessors(), Runtime.version().toString(),
          ManagementFactory.getRuntimeMXBean().getInputArguments(), Runtime.getRuntime().maxMemory(),
          System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
          embedded ? "embedded (zonky)" : "DATABASE_URL " + db.url().replaceAll("\\?.*", ""),
          rs.getString(3), rs.getString(1), rs.getString(2), loadAverage(), Double.NaN);
    }
  }

  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  BenchReport finish(Instant at) {
    Machine m = machine;
    return new BenchReport(started, at, commandLine, new Machine(m.cores(), m.jdk(), m.jvmArguments(), m.maxHeapBytes(), m.os(),
        m.database(), m.postgresVersion(), m.fsync(), m.synchronousCommit(), m.loadAverageStart(), loadAverage()), rows);
  }

  /** The table: one line per row, in the order the scenarios ran. */
  void print(PrintWriter out) {
    out.println();
    out.printf("%-10s %-14s %-50s %10s %30s %14s%n", "scenario", "config", "measure", "count", "time / figure", "rate");
    for (BenchRow r : rows) {
      out.printf("%-10s %-14s %-50s %10s %30s %14s%n", r.scenario(), r.config(), r.measure(), r.count(), r.figure(), r.rate());
    }
    out.printf("%nmachine: %d cores, JDK %s, max heap %d MiB, PostgreSQL %s (%s; fsync %s, synchronous_commit %s),"
            + " load average %.2f at the start, %.2f at the end (the machine is shared)%n",
        machine.cores(), machine.jdk(), machine.maxHeapBytes() / 1048576, machine.postgresVersion(), machine.database(),
        machine.fsync(), machine.synchronousCommit(), machine.loadAverageStart(), machine.loadAverageEnd());
  }

  void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, Json.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this));
  }
}
