package io.readside.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.Json;
import io.readside.platform.ReadsideConfig;
import io.readside.projections.Projections;
import io.readside.projections.ReadModelProjection;
import io.readside.projections.admin.ProjectionVerify;
import java.io.PrintWriter;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.SerializationExtension;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** `readside verify`: replays a projection into temporary tables and compares them with the live ones. */
@Command(
    name = "verify",
    description = "Replays a projection's journal into temporary tables up to each slice's offset and compares them with the"
        + " live tables at that offset; works while the worker runs. Exit 0: equal; 3: differences found.")
final class VerifyCommand implements Callable<Integer> {
  static final int DIFFERENT = 3;

  @Parameters(index = "0", description = "The projection: cart-summary, item-popularity or daily-sales.")
  String projection;

  @Option(names = "--slice", description = "Only this slice (default: every slice).")
  Integer slice;

  @Option(names = "--json", description = "Print the full report as JSON.")
  boolean json;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Config config = ReadsideConfig.load();
    DatabaseSettings db = DatabaseSettings.fromConfig(config);
    ReadModelProjection p = Projections.named(Projections.all(), projection).orElseThrow(() -> new ParameterException(
        spec.commandLine(), "no projection " + projection + "; known: "
            + Projections.all().stream().map(ReadModelProjection::name).collect(Collectors.joining(", "))));
    int slices = config.getInt("readside.slices");
    if (slice != null && (slice < 0 || slice >= slices)) {
      throw new ParameterException(spec.commandLine(), "--slice must be from 0 to " + (slices - 1) + ", got " + slice);
    }
    List<Integer> chosen = slice != null ? List.of(slice) : IntStream.range(0, slices).boxed().toList();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // Only to read the journal's payloads: a local actor system, no cluster, no remoting.
    ActorSystem system = ActorSystem.create("readside-verify", ConfigFactory.parseMap(Map.of(
        "pekko.actor.provider", "local", "pekko.loglevel", "WARNING", "pekko.stdout-loglevel", "WARNING"))
        .withFallback(ConfigFactory.defaultReference()));
    ProjectionVerify.Report report;
    try {
      ProjectionVerify verify = new ProjectionVerify(
          () -> DriverManager.getConnection(db.url(), db.user(), db.password()), SerializationExtension.get(system),
          io.readside.projections.Worker.Source.fromConfig(config));
      report = verify.run(p, chosen, progress(err));
    } finally {
      system.terminate();
    }
    if (json) {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    } else {
      print(out, report);
    }
    out.flush();
    return report.equal() ? 0 : DIFFERENT;
  }

  /** A line per slice at its end, and every 10,000 events on a long one. */
  private static ProjectionVerify.Progress progress(PrintWriter err) {
    return (slice, events, total) -> {
      if (events == total || events % 10_000 < 500) {
        err.printf("slice %d: %d/%d events replayed%n", slice, events, total);
        err.flush();
      }
    };
  }

  private static void print(PrintWriter out, ProjectionVerify.Report report) {
    for (ProjectionVerify.Difference d : report.differences()) {
      String key = d.key().entrySet().stream().map(e -> e.getKey() + "=" + text(e.getValue())).collect(Collectors.joining(" "));
      if (d.live() == null) {
        out.printf("%s %s (slice %d): only in the replay: %s%n", d.table(), key, d.slice(), d.replayed());
      } else if (d.replayed() == null) {
        out.printf("%s %s (slice %d): only live: %s%n", d.table(), key, d.slice(), d.live());
      } else {
        String columns = d.columns().stream()
            .map(c -> c + " live " + text(d.live().get(c)) + ", replayed " + text(d.replayed().get(c)))
            .collect(Collectors.joining("; "));
        out.printf("%s %s (slice %d): %s%n", d.table(), key, d.slice(), columns);
      }
    }
    for (ProjectionVerify.ParkedEvent e : report.parked()) {
      out.printf("parked dead letter %d: %s seqNr %d (slice %d, journal ordering %d) is in neither; retry or discard it%n",
          e.deadLetterId(), e.persistenceId(), e.seqNr(), e.slice(), e.offset());
    }
    String horizons = report.slices().stream().map(s -> s.slice() + "@" + s.horizon()).collect(Collectors.joining(" "));
    out.printf("%s: %s; %d difference(s), %d events replayed in %.1f s, %d parked dead letter(s); slice@offset %s%n",
        report.projection(), report.equal() ? "equal" : "DIFFERENT", report.differenceCount(), report.eventsReplayed(),
        report.millis() / 1000.0, report.parked().size(), horizons);
  }

  private static String text(JsonNode value) {
    return value == null || value.isNull() ? "null" : value.isTextual() ? value.asText() : value.toString();
  }
}
