package io.readside.ops;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.readside.events.CartEvent;
import io.readside.platform.DatabaseSettings;
import io.readside.projections.Projections;
import io.readside.projections.ReadModelProjection;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * The {@code rebuild} scenario of {@code readside bench}: seeds a journal of {@code events}
 * events straight into the database (COPY, {@link JournalSeeder}), lets a worker's three
 * projections catch up from nothing, then rebuilds each projection in turn through the admin
 * endpoint ({@code POST /admin/projections/<p>/rebuild}: every slice's rows and offset deleted,
 * then replayed) and times it to caught up. The textbook configuration (eventsByTag at the read
 * journal's defaults, one event per transaction) rebuilds one projection over a smaller journal
 * first, seeded and measured the same way; its rate is extrapolated to the full journal, and the
 * table says so.
 */
final class RebuildScenario {
  record Settings(int events, int textbookEvents) {}

  private static final String TOKEN = "bench-rebuild-token";
  private static final int EVENTS_PER_CART = 10;
  private static final int ITEMS = 10_000;
  private static final Instant SEEDED_AT = Instant.parse("2026-11-30T08:00:00Z");

  private final Settings settings;
  private final PrintWriter out;
  private int cartsSeeded;

  RebuildScenario(Settings settings, PrintWriter out) {
    this.settings = settings;
    this.out = out;
  }

  List<BenchRow> run(Config base, DatabaseSettings db) throws Exception {
    List<BenchRow> rows = new ArrayList<>();
    int slices = base.getInt("readside.slices");
    double textbookRate = Double.NaN;
    if (settings.textbookEvents() > 0) {
      Config textbook = ConfigFactory.parseMap(LagScenario.Setup.TEXTBOOK.overrides).withFallback(adminConfig(base));
      try (ReadsideNode node = ReadsideNode.start(textbook, db, EnumSet.of(Role.PROJECTION, Role.ADMIN))) {
        long journal = seed(node, db, slices, settings.textbookEvents(), rows, "textbook");
        progress("[rebuild textbook] catching up 3 projections over %,d events (not reported) ...", journal);
        BenchCommand.awaitCaughtUp(db, Duration.ofHours(2));
        ReadModelProjection p = Projections.all().getFirst();
        double seconds = rebuild(node, db, p, "textbook");
        textbookRate = journal / seconds;
        rows.add(BenchRow.timed("rebuild", "textbook", "rebuild " + p.name() + " (" + journal + "-event journal)", journal, seconds,
            "events/s"));
        double extrapolated = settings.events() / textbookRate;
        rows.add(new BenchRow("rebuild", "textbook", "rebuild " + p.name() + ", extrapolated to " + settings.events() + " events",
            settings.events(), String.format("%.0f s (extrapolated)", extrapolated), String.format("%.0f", textbookRate),
            List.of(new BenchRow.Value("seconds", extrapolated, "s"), new BenchRow.Value("rate", textbookRate, "events/s"))));
      }
      // The tuned worker starts from nothing, with its own source's offsets.
      BenchCommand.resetProjections(db, slices);
    }
    try (ReadsideNode node = ReadsideNode.start(adminConfig(base), db, EnumSet.of(Role.PROJECTION, Role.ADMIN))) {
      long journal = seed(node, db, slices, settings.events() - (int) BenchCommand.journalEvents(db), rows, "tuned");
      progress("[rebuild tuned] catching up 3 projections from nothing over %,d events ...", journal);
      long start = System.nanoTime();
      BenchCommand.awaitCaughtUp(db, Duration.ofHours(2));
      rows.add(BenchRow.timed("rebuild", "tuned", "initial catch-up, each of 3 projections", journal,
          (System.nanoTime() - start) / 1e9, "events/s"));
      Map<String, Double> rates = new HashMap<>();
      for (ReadModelProjection p : Projections.all()) {
        double seconds = rebuild(node, db, p, "tuned");
        rates.put(p.name(), journal / seconds);
        rows.add(BenchRow.timed("rebuild", "tuned", "rebuild " + p.name() + ", all " + slices + " slices", journal, seconds,
            "events/s"));
      }
      if (!Double.isNaN(textbookRate)) {
        String first = Projections.all().getFirst().name();
        rows.add(BenchRow.ratio("rebuild", "rebuild " + first + " events/s, tuned / textbook", rates.get(first) / textbookRate));
      }
    }
    return rows;
  }

  private static Config adminConfig(Config base) {
    return ConfigFactory.parseMap(Map.of("readside.admin.token", TOKEN, "readside.admin.port", 0)).withFallback(base);
  }

  /** Seeds {@code n} more events (whole carts); the journal's size after. */
  private long seed(ReadsideNode node, DatabaseSettings db, int slices, int n, List<BenchRow> rows, String config) throws Exception {
    progress("[rebuild %s] seeding %,d events (%d a cart: 9 adds of %,d items, a checkout) into the journal ...", config, n,
        EVENTS_PER_CART, ITEMS);
    long start = System.nanoTime();
    long seeded;
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      JournalSeeder seeder = new JournalSeeder(c, SerializationExtension.get(node.system()), slices);
      for (int i = 0; i < n / EVENTS_PER_CART; i++) {
        int k = cartsSeeded++;
        String cartId = "rb-" + k;
        Instant at = SEEDED_AT.plusSeconds(k % 86_400);
        List<CartEvent> events = new ArrayList<>();
        List<CartEvent.CheckedOutLine> lines = new ArrayList<>();
        for (int j = 0; j < EVENTS_PER_CART - 1; j++) {
          String item = "rbi-" + (k * 7 + j * 131) % ITEMS;
          int quantity = 1 + (k + j) % 5;
          long price = 100 + j * 10L;
          events.add(new CartEvent.ItemAdded(cartId, item, quantity, price, at));
          lines.add(new CartEvent.CheckedOutLine(item, quantity, price));
        }
        int total = lines.stream().mapToInt(CartEvent.CheckedOutLine::quantity).sum();
        long cents = lines.stream().mapToLong(l -> l.quantity() * l.unitPriceCents()).sum();
        events.add(new CartEvent.CheckedOut(cartId, lines, total, cents, at));
        seeder.cart(cartId, events);
      }
      seeder.finish();
      seeded = seeder.seeded();
    }
    rows.add(BenchRow.timed("rebuild", config, "seed journal (COPY of serialized events)", seeded, (System.nanoTime() - start) / 1e9,
        "events/s"));
    return BenchCommand.journalEvents(db);
  }

  /** POST .../rebuild (all slices), then waits until every projection is at the journal's head again. Seconds. */
  private double rebuild(ReadsideNode node, DatabaseSettings db, ReadModelProjection p, String config) throws Exception {
    progress("[rebuild %s] rebuilding %s (all slices) through the admin endpoint ...", config, p.name());
    String admin = "http://127.0.0.1:" + node.adminAddress().orElseThrow().getPort();
    try (HttpClient http = HttpClient.newHttpClient()) {
      long start = System.nanoTime();
      HttpResponse<String> answer = http.send(
          HttpRequest.newBuilder(URI.create(admin + "/admin/projections/" + p.name() + "/rebuild"))
              .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofMinutes(5))
              .POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        throw new IllegalStateException("rebuild of " + p.name() + " answered " + answer.statusCode() + ": " + answer.body());
      }
      BenchCommand.awaitCaughtUp(db, Duration.ofHours(2));
      return (System.nanoTime() - start) / 1e9;
    }
  }

  private void progress(String format, Object... args) {
    out.printf(format + "%n", args);
    out.flush();
  }
}
