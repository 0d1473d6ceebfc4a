package io.readside.projections.admin;

import io.readside.events.CartEvent;
import io.readside.events.CartTags;
import io.readside.projections.SequencedEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.serialization.Serialization;

/**
 * A slice's journal rows in the order its event source reads them, between two positions, as cart
 * events: what a replay feeds a projection's writer so that it ends exactly where a live instance
 * stands.
 */
final class SliceJournal {
  /** One row: where it sits (for the next batch's start) and its event. */
  record Row(long txId, long ordering, SequencedEvent event) {}

  private final Serialization serialization;

  SliceJournal(Serialization serialization) {
    this.serialization = serialization;
  }

  /** Up to {@code limit} rows of the slice after {@code after} and at or below {@code upTo}. */
  List<Row> batch(Connection c, int slice, SlicePosition after, SlicePosition upTo, int limit) throws SQLException {
    if (!after.sameKindAs(upTo)) {
      throw new IllegalStateException("the slice's offset changed kind (" + after + " to " + upTo + "): the worker's source was switched");
    }
    String range =
        switch (after) {
          case SlicePosition.Ordering o -> "t.event_id > ? AND t.event_id <= ? ORDER BY t.event_id";
          case SlicePosition.Horizon h ->
              "(t.tx_id, t.event_id) > (CAST(? AS xid8), ?) AND (t.tx_id, t.event_id) <= (CAST(? AS xid8), ?) ORDER BY t.tx_id, t.event_id";
        };
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT t.tx_id::text, t.event_id, j.persistence_id, j.sequence_number, j.event_ser_id, j.event_ser_manifest, j.event_payload"
                + " FROM event_tag t JOIN event_journal j ON j.ordering = t.event_id"
                + " WHERE t.tag = ? AND NOT j.deleted AND " + range + " LIMIT ?")) {
      int i = 1;
      ps.setString(i++, CartTags.tagForSlice(slice));
      i = bind(ps, i, after);
      i = bind(ps, i, upTo);
      ps.setInt(i, limit);
      List<Row> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long ordering = rs.getLong(2);
          CartEvent event = deserialize(ordering, rs.getBytes(7), rs.getInt(5), rs.getString(6));
          rows.add(new Row(Long.parseLong(rs.getString(1)), ordering, new SequencedEvent(ordering, rs.getString(3), rs.getLong(4), event)));
        }
      }
      return rows;
    }
  }

  /** Events of the slice after {@code after} and at or below {@code upTo}. */
  static long count(Connection c, int slice, SlicePosition after, SlicePosition upTo) throws SQLException {
    String range =
        switch (after) {
          case SlicePosition.Ordering o -> "event_id > ? AND event_id <= ?";
          case SlicePosition.Horizon h -> "(tx_id, event_id) > (CAST(? AS xid8), ?) AND (tx_id, event_id) <= (CAST(? AS xid8), ?)";
        };
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM event_tag WHERE tag = ? AND " + range)) {
      int i = 1;
      ps.setString(i++, CartTags.tagForSlice(slice));
      i = bind(ps, i, after);
      bind(ps, i, upTo);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Whether the journal row at {@code ordering} is at or below the position, in the position's order. */
  static boolean isAtOrBelow(Connection c, int slice, long ordering, SlicePosition position) throws SQLException {
    return switch (position) {
      case SlicePosition.Ordering o -> ordering <= o.ordering();
      case SlicePosition.Horizon h -> {
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT 1 FROM event_tag WHERE tag = ? AND event_id = ? AND (tx_id, event_id) <= (CAST(? AS xid8), ?)")) {
          ps.setString(1, CartTags.tagForSlice(slice));
          ps.setLong(2, ordering);
          ps.setString(3, Long.toString(h.offset().txId()));
          ps.setLong(4, h.offset().ordering());
          try (ResultSet rs = ps.executeQuery()) {
            yield rs.next();
          }
        }
      }
    };
  }

  private static int bind(PreparedStatement ps, int i, SlicePosition position) throws SQLException {
    switch (position) {
      case SlicePosition.Ordering o -> ps.setLong(i++, o.ordering());
      case SlicePosition.Horizon h -> {
        ps.setString(i++, Long.toString(h.offset().txId()));
        ps.setLong(i++, h.offset().ordering());
      }
    }
    return i;
  }

  private CartEvent deserialize(long ordering, byte[] payload, int serializerId, String manifest) {
    Object event = serialization.deserialize(payload, serializerId, manifest).get();
    if (event instanceof CartEvent e) {
      return e;
    }
    throw new IllegalStateException("journal ordering " + ordering + " holds a " + event.getClass().getName() + ", not a cart event");
  }
}
