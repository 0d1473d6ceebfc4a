package io.readside.projections;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What a projection does with one group of a slice's events, on the connection of the group's
 * transaction (the offset is saved in the same transaction by the projection). A projection is
 * built from a pure handler (events in, changes out, no database) and a repository that only
 * writes those changes: {@code SliceWriter.of(FooHandler::handle, FooRepository::write)}.
 */
@FunctionalInterface
public interface SliceWriter {
  void write(Connection connection, int slice, List<SequencedEvent> events) throws SQLException;

  /** A handler that needs nothing but the events. */
  static <C> SliceWriter of(Function<List<SequencedEvent>, C> handler, ChangeWriter<C> repository) {
    return (c, slice, events) -> repository.write(c, slice, handler.apply(events));
  }

  /**
   * A handler that must also know something its tables hold (cart-summary: how far each cart was
   * applied); the repository reads it first, in the same transaction, then writes the changes.
   */
  static <K, C> SliceWriter of(
      Reader<K> repositoryRead, BiFunction<K, List<SequencedEvent>, C> handler, ChangeWriter<C> repositoryWrite) {
    return (c, slice, events) -> repositoryWrite.write(c, slice, handler.apply(repositoryRead.read(c, events), events));
  }

  /** A repository's write: the handler's changes into the slice's rows. */
  @FunctionalInterface
  interface ChangeWriter<C> {
    void write(Connection connection, int slice, C changes) throws SQLException;
  }

  /** A repository's read of what the handler must know before it decides. */
  @FunctionalInterface
  interface Reader<K> {
    K read(Connection connection, List<SequencedEvent> events) throws SQLException;
  }
}
