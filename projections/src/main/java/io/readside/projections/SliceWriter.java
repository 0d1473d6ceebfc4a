package io.readside.projections;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What a projection's repository does with one group of a slice's events, on the connection of
 * the group's transaction (the offset is saved in the same transaction by the projection).
 */
@FunctionalInterface
public interface SliceWriter {
  void write(Connection connection, int slice, List<SequencedEvent> events) throws SQLException;
}
