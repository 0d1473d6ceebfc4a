package io.readside.ops;

import io.readside.platform.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Where the lag scenario's sampled adds spent their lag, from PostgreSQL's commit timestamps
 * ({@code track_commit_timestamp = on}; the bench's embedded server sets it): each sampled event's
 * journal transaction, the moment the horizon passed it (every transaction with a smaller id had
 * ended, so a page could read it), and the cart-summary transaction that wrote its cart line (the
 * line's xmin: each add of the scenario is a new item of its cart). Joined with the reply's and
 * the visibility's times at the client, a sample's lag splits into: commit to horizon, horizon to
 * the projection's commit (wake, page, group transaction), and commit to the client seeing it
 * (NOTIFY, the waiting read, HTTP). Each stage's percentiles are its own: a p99 of the lag is not
 * the sum of the stages' p99s. The client's clock and the server's must be one: the same machine.
 */
final class LagStages {
  /** A sampled add: its event's key, its cart line, the reply's time (epoch µs) and its lag. */
  record Sample(String persistenceId, long seqNr, String cartId, String itemId, long ackedEpochMicros, double lagMs) {}

  /** One stage's percentiles, ms, over {@code count} samples. */
  record Stage(String name, long count, double p50, double p99) {}

  static final List<String> NAMES = List.of(
      "journal commit -> reply (not in the lag)",
      "journal commit -> horizon passes it",
      "horizon -> cart-summary commit",
      "cart-summary commit -> visible at the client");

  // The horizon passes xid X when every transaction with a smaller id has ended: the running
  // maximum of the commit times up to X (aborted transactions have none and are left out), from
  // 3,000 ids before the first sample, transactions older than that having long ended (ids 0-2
  // are PostgreSQL's own and have no timestamp).
  private static final String QUERY = """
      WITH s AS (
        SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::float8[])
               AS s(persistence_id, seq_nr, cart_id, item_id, acked_us, lag_ms)),
      e AS (
        SELECT s.*, t.tx_id::text::bigint AS xid,
               pg_xact_commit_timestamp((t.tx_id::text::bigint % 4294967296)::text::xid) AS journal_commit,
               (SELECT pg_xact_commit_timestamp(l.xmin) FROM read_model.cart_line l
                 WHERE l.cart_id = s.cart_id AND l.item_id = s.item_id) AS projected
          FROM s JOIN public.event_journal j ON j.persistence_id = s.persistence_id AND j.sequence_number = s.seq_nr
          JOIN public.event_tag t ON t.event_id = j.ordering),
      h AS (
        SELECT x, max(pg_xact_commit_timestamp((x % 4294967296)::text::xid)) OVER (ORDER BY x) AS passed
          FROM generate_series((SELECT greatest(min(xid) - 3000, 3) FROM e), (SELECT max(xid) FROM e)) AS x
         WHERE x % 4294967296 >= 3)
      SELECT extract(epoch FROM to_timestamp(e.acked_us / 1e6) - e.journal_commit) * 1000,
             extract(epoch FROM greatest(h.passed, e.journal_commit) - e.journal_commit) * 1000,
             extract(epoch FROM e.projected - greatest(h.passed, e.journal_commit)) * 1000,
             e.lag_ms - extract(epoch FROM e.projected - to_timestamp(e.acked_us / 1e6)) * 1000
        FROM e JOIN h ON h.x = e.xid
       WHERE e.journal_commit IS NOT NULL AND e.projected IS NOT NULL
      """;

  private LagStages() {}

  /**
   * The stages over {@code samples}, or none and why: the server keeps no commit timestamps, or
   * they could not be read (the breakdown explains the lag; it never fails the bench).
   */
  static Breakdown measure(DatabaseSettings db, List<Sample> samples) {
    try {
      return query(db, samples);
    } catch (SQLException e) {
      return new Breakdown(List.of(), Optional.of("stages not measured: " + e.getMessage()));
    }
  }

  private static Breakdown query(DatabaseSettings db, List<Sample> samples) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      if (!commitTimestampsOn(c)) {
        return new Breakdown(List.of(), Optional.of("PostgreSQL's track_commit_timestamp is off (the embedded server turns it on;"
            + " elsewhere ALTER SYSTEM SET track_commit_timestamp = on and restart)"));
      }
      List<List<Double>> values = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      try (PreparedStatement ps = c.prepareStatement(QUERY)) {
        ps.setArray(1, c.createArrayOf("text", samples.stream().map(Sample::persistenceId).toArray()));
        ps.setArray(2, c.createArrayOf("bigint", samples.stream().map(Sample::seqNr).toArray()));
        ps.setArray(3, c.createArrayOf("text", samples.stream().map(Sample::cartId).toArray()));
        ps.setArray(4, c.createArrayOf("text", samples.stream().map(Sample::itemId).toArray()));
        ps.setArray(5, c.createArrayOf("bigint", samples.stream().map(Sample::ackedEpochMicros).toArray()));
        ps.setArray(6, c.createArrayOf("float8", samples.stream().map(Sample::lagMs).toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            for (int i = 0; i < values.size(); i++) {
              values.get(i).add(rs.getDouble(i + 1));
            }
          }
        }
      }
      List<Stage> stages = new ArrayList<>();
      for (int i = 0; i < NAMES.size(); i++) {
        List<Double> v = values.get(i);
        Collections.sort(v);
        stages.add(new Stage(NAMES.get(i), v.size(), Percentile.of(v, 0.50), Percentile.of(v, 0.99)));
      }
      long missing = samples.size() - values.getFirst().size();
      return new Breakdown(stages, missing == 0 ? Optional.empty()
          : Optional.of(missing + " of " + samples.size() + " samples not found (their event or cart line)"));
    }
  }

  /** The stages, and a note when some or all could not be measured. */
  record Breakdown(List<Stage> stages, Optional<String> note) {}

  private static boolean commitTimestampsOn(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT current_setting('track_commit_timestamp')");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1).equals("on");
    }
  }
}
