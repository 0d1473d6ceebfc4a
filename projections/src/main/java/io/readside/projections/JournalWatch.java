package io.readside.projections;

import io.readside.platform.DatabaseSettings;
import io.readside.platform.PgListener;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes this node's horizon instances when their slice has something to read, instead of each
 * polling every 100 ms. It LISTENs on {@code readside_journal} (one notification per journal
 * transaction, V20) on a dedicated connection, and on each notification reads every watched
 * slice's head below the horizon in one query, waking the instances behind it.
 *
 * <p>A row is readable only once its tx_id is below the horizon: after a notification another,
 * older transaction may still be open (a projection's group, another journal write). Then the
 * slice is "held": committed rows above the horizon. The watch checks again after a few
 * milliseconds while any slice is held (backing off to {@code checkInterval}), so a holder that
 * writes no journal, and so never notifies, still costs only milliseconds. Without any
 * notification it checks every {@code checkInterval}: the safety net for a lost notification,
 * one query for all slices. While the connection is lost, {@link #listening()} is false and
 * instances poll at their short interval; after reconnecting the watch checks at once.
 */
public final class JournalWatch implements AutoCloseable {
  static final String CHANNEL = "readside_journal";
  public static final String APPLICATION_NAME = "readside-journal-watch";
  private static final Duration HELD_RETRY = Duration.ofMillis(5);
  private static final int HELD_RETRIES_AT_MINIMUM = 20;

  static final String HEADS = """
      SELECT t.tag, h.tx_id::text, h.event_id,
             EXISTS (SELECT 1 FROM public.event_tag e WHERE e.tag = t.tag AND e.tx_id >= x.horizon) AS held
        FROM unnest(?::text[]) AS t(tag)
       CROSS JOIN (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon) x
        LEFT JOIN LATERAL (SELECT e.tx_id, e.event_id FROM public.event_tag e
                            WHERE e.tag = t.tag AND e.tx_id < x.horizon
                            ORDER BY e.tx_id DESC, e.event_id DESC LIMIT 1) h ON true""";

  /** A running instance's source: where it has read up to, and how to wake it. */
  interface Cursor {
    HorizonOffset position();

    void wake();
  }

  private final Map<String, Set<Cursor>> cursors = new ConcurrentHashMap<>();
  private final Duration checkInterval;
  private final PgListener listener;
  private int heldChecks;
  private Map<String, HorizonOffset> lastHeads = Map.of();

  private JournalWatch(DatabaseSettings db, Duration checkInterval) {
    this.checkInterval = checkInterval;
    this.listener = PgListener.start(db, APPLICATION_NAME, List.of(CHANNEL), new PgListener.Handler() {
      @Override
      public Duration on(PgListener.Cause cause, List<String> payloads, Connection c) throws SQLException {
        return check(c);
      }

      @Override
      public void lost(Exception cause) {
        // Instances fall back to polling; wake them so none sleeps out its long idle poll first.
        wakeAll();
      }
    });
  }

  public static JournalWatch start(DatabaseSettings db, Duration checkInterval) {
    return new JournalWatch(db, checkInterval);
  }

  /** True while notifications arrive; otherwise instances must poll on their own. */
  public boolean listening() {
    return listener.listening();
  }

  void register(String tag, Cursor cursor) {
    cursors.computeIfAbsent(tag, t -> ConcurrentHashMap.newKeySet()).add(cursor);
    cursor.wake();
  }

  void unregister(String tag, Cursor cursor) {
    Set<Cursor> set = cursors.get(tag);
    if (set != null) {
      set.remove(cursor);
    }
  }

  private void wakeAll() {
    cursors.values().forEach(set -> set.forEach(Cursor::wake));
  }

  /** One query for every watched slice; wakes the instances behind their slice's readable head. */
  private Duration check(Connection c) throws SQLException {
    List<String> tags = cursors.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    if (tags.isEmpty()) {
      heldChecks = 0;
      return checkInterval;
    }
    Map<String, HorizonOffset> heads = new HashMap<>();
    boolean held = false;
    try (PreparedStatement ps = c.prepareStatement(HEADS)) {
      ps.setArray(1, c.createArrayOf("text", tags.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getString(2) != null) {
            heads.put(rs.getString(1), new HorizonOffset(Long.parseLong(rs.getString(2)), rs.getLong(3)));
          }
          held |= rs.getBoolean(4);
        }
      }
    }
    heads.forEach((tag, head) -> {
      for (Cursor cursor : cursors.getOrDefault(tag, Set.of())) {
        if (head.compareTo(cursor.position()) > 0) {
          cursor.wake();
        }
      }
    });
    if (!held) {
      heldChecks = 0;
      return checkInterval;
    }
    // Rows committed but above the horizon: look again soon, and only back off while nothing
    // moves (one long transaction holds it), not while busy writers keep some slice held.
    heldChecks = heads.equals(lastHeads) ? heldChecks + 1 : 0;
    lastHeads = heads;
    int doublings = Math.max(0, heldChecks - HELD_RETRIES_AT_MINIMUM);
    Duration next = HELD_RETRY.multipliedBy(1L << Math.min(doublings, 20));
    return next.compareTo(checkInterval) > 0 ? checkInterval : next;
  }

  @Override
  public void close() {
    listener.close();
  }
}
