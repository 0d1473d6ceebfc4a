package io.readside.ops;

import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestSql;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Who holds each (projection, slice) according to readside_slice_epoch, and since when. */
record SliceEpochs(Map<String, Holder> bySlice) {
  record Holder(long epoch, String owner, Instant takenAt) {}

  static SliceEpochs read(DatabaseSettings db) {
    Map<String, Holder> holders = new HashMap<>();
    TestSql.rows(db, "SELECT projection_name || '/' || projection_key AS k, epoch, owner, taken_at FROM readside_slice_epoch")
        .forEach(r -> holders.put((String) r.get("k"),
            new Holder((Long) r.get("epoch"), (String) r.get("owner"), ((java.sql.Timestamp) r.get("taken_at")).toInstant())));
    return new SliceEpochs(holders);
  }

  long ownedBy(String owner) {
    return bySlice.values().stream().filter(h -> h.owner().equals(owner)).count();
  }

  /** Slices whose holder took them after {@code since}. */
  long takenSince(Instant since) {
    return bySlice.values().stream().filter(h -> h.takenAt().isAfter(since)).count();
  }
}
