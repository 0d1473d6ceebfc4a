package io.readside.projections;

import java.sql.Connection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.pekko.NotUsed;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.stream.javadsl.Source;

/**
 * An instance's event source that first takes the slice's epoch, then lets the projection read its
 * offset. Each (re)start of the projection's stream goes through here, so the offset an instance
 * starts from always includes every group committed under an older epoch.
 */
final class FencedSourceProvider<O, E> extends SourceProvider<O, E> {
  private final SourceProvider<O, E> delegate;
  private final SliceFence fence;
  private final DataSource pool;
  private final Executor blocking;

  FencedSourceProvider(SourceProvider<O, E> delegate, SliceFence fence, DataSource pool, Executor blocking) {
    this.delegate = delegate;
    this.fence = fence;
    this.pool = pool;
    this.blocking = blocking;
  }

  @Override
  public CompletionStage<Source<E, NotUsed>> source(Supplier<CompletionStage<Optional<O>>> offset) {
    return CompletableFuture.supplyAsync(
            () -> {
              try (Connection c = pool.getConnection()) {
                c.setAutoCommit(true);
                return fence.take(c);
              } catch (SliceFence.Fenced e) {
                throw e;
              } catch (java.sql.SQLException e) {
                throw new IllegalStateException(fence.id() + ": could not take the slice's epoch: " + e.getMessage(), e);
              }
            },
            blocking)
        .thenCompose(epoch -> delegate.source(offset));
  }

  @Override
  public O extractOffset(E envelope) {
    return delegate.extractOffset(envelope);
  }

  @Override
  public long extractCreationTime(E envelope) {
    return delegate.extractCreationTime(envelope);
  }
}
