package io.readside.ops;

import io.readside.events.CartEvent;
import io.readside.events.CartTags;
import io.readside.writeside.ShoppingCart;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Writes carts' events straight into the journal (event_journal and event_tag) with COPY,
 * serialized as the write side serializes them, so a benchmark can grow a journal of 100,000s of
 * events in seconds instead of sending them through the persistent carts. For benchmarks on a
 * database of their own: it reserves orderings from the journal's sequence, so nothing else may
 * write the journal meanwhile. The carts' event sequences must be valid for the carts to recover.
 */
final class JournalSeeder {
  /** Rows per COPY statement: bounds the text held in memory. */
  private static final int CHUNK = 5_000;

  private final Connection connection;
  private final Serialization serialization;
  private final int slices;
  private final String writerId = "bench-seeder-" + ProcessHandle.current().pid();
  private final StringBuilder journalRows = new StringBuilder();
  private final StringBuilder tagRows = new StringBuilder();
  private int buffered;
  private long seeded;

  JournalSeeder(Connection connection, Serialization serialization, int slices) throws SQLException {
    this.connection = connection;
    this.serialization = serialization;
    this.slices = slices;
    connection.setAutoCommit(false);
  }

  /** Appends one cart's events with sequence numbers 1..n; they reach the journal at {@link #finish()} or sooner. */
  void cart(String cartId, List<CartEvent> events) throws SQLException {
    String persistenceId = ShoppingCart.ENTITY_KEY.name() + "|" + cartId;
    String tag = CartTags.tagOf(cartId, slices);
    long seqNr = 0;
    for (CartEvent event : events) {
      if (!event.cartId().equals(cartId)) {
        throw new IllegalArgumentException("event of cart " + event.cartId() + " among cart " + cartId + "'s");
      }
      Serializer serializer = serialization.findSerializerFor(event);
      String manifest = Serializers.manifestFor(serializer, event);
      byte[] payload = serialization.serialize(event).get();
      // The ordering is filled in at flush time, when a range of the sequence is reserved.
      journalRows.append(buffered).append('\t').append(persistenceId).append('\t').append(++seqNr).append("\tf\t")
          .append(writerId).append('\t').append(event.at().toEpochMilli()).append("\t\t")
          .append(serializer.identifier()).append('\t').append(manifest).append("\t\\\\x")
          .append(HexFormat.of().formatHex(payload)).append('\n');
      tagRows.append(buffered).append('\t').append(tag).append('\n');
      buffered++;
      if (buffered == CHUNK) {
        flush();
      }
    }
  }

  long seeded() {
    return seeded;
  }

  private void flush() throws SQLException {
    if (buffered == 0) {
      return;
    }
    long first = reserveOrderings(buffered);
    CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
    try {
      copy.copyIn(
          "COPY event_journal (ordering, persistence_id, sequence_number, deleted, writer, write_timestamp,"
              + " adapter_manifest, event_ser_id, event_ser_manifest, event_payload) FROM STDIN",
          new StringReader(withOrderings(journalRows, first)));
      copy.copyIn("COPY event_tag (event_id, tag) FROM STDIN", new StringReader(withOrderings(tagRows, first)));
    } catch (java.io.IOException e) {
      throw new SQLException("COPY into the journal failed: " + e.getMessage(), e);
    }
    seeded += buffered;
    journalRows.setLength(0);
    tagRows.setLength(0);
    buffered = 0;
  }

  /** Each line starts with its index in the chunk; make it first + index. */
  private static String withOrderings(StringBuilder rows, long first) {
    StringBuilder out = new StringBuilder(rows.length() + rows.length() / 8);
    int start = 0;
    while (start < rows.length()) {
      int tab = rows.indexOf("\t", start);
      int end = rows.indexOf("\n", tab);
      out.append(first + Long.parseLong(rows, start, tab, 10)).append(rows, tab, end + 1);
      start = end + 1;
    }
    return out.toString();
  }

  /** The next n orderings of the journal's sequence, as the journal's own inserts would take them. */
  private long reserveOrderings(int n) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT setval(pg_get_serial_sequence('event_journal', 'ordering'),"
            + " nextval(pg_get_serial_sequence('event_journal', 'ordering')) + ? - 1) - ? + 1")) {
      ps.setLong(1, n);
      ps.setLong(2, n);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Writes what is buffered and commits: the events become visible to the projections at once.
   * Until then nothing is committed; closing the connection before rolls all of it back.
   */
  void finish() throws SQLException {
    flush();
    connection.commit();
  }
}
