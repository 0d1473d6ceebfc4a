package io.readside.projections.admin;

import io.readside.projections.DeadLetters;
import io.readside.projections.DeadLetters.DeadLetter;
import io.readside.projections.Projections;
import io.readside.projections.ReadModelProjection;
import io.readside.projections.SequencedEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Retry and discard of parked events. A retry applies the cart's whole parked chain, oldest first,
 * through the projection's own repository in one transaction: all of it lands, in order, or none.
 */
final class DeadLetterOperations {
  record Retried(long requested, List<Long> applied) {}

  private final ProjectionOperations tx;
  private final List<ReadModelProjection> projections;

  DeadLetterOperations(ProjectionOperations tx, List<ReadModelProjection> projections) {
    this.tx = tx;
    this.projections = projections;
  }

  Optional<DeadLetter> find(long id) throws SQLException {
    return tx.inTransaction(c -> DeadLetters.find(c, id));
  }

  Retried retry(long id, String tokenId) throws SQLException {
    DeadLetter requested = find(id).orElseThrow(() -> new ProjectionOperations.Refused("not_found", "no dead letter " + id));
    ReadModelProjection projection =
        Projections.named(projections, requested.projection())
            .orElseThrow(() -> new ProjectionOperations.Refused("unknown_projection", "this worker does not run " + requested.projection()));
    String[] failure = new String[1];
    Retried retried =
        tx.inTransaction(
            c -> {
              List<DeadLetter> chain = DeadLetters.parkedChainLocked(c, requested.projection(), requested.persistenceId());
              if (chain.isEmpty()) {
                throw new ProjectionOperations.Refused(
                    "not_parked", "dead letter " + id + " is " + requested.status() + ", and its cart has nothing parked");
              }
              List<SequencedEvent> events = chain.stream().map(DeadLetters::toEvent).toList();
              List<Long> ids = chain.stream().map(DeadLetter::id).toList();
              Savepoint savepoint = c.setSavepoint();
              try {
                projection.writer().write(c, requested.slice(), events);
              } catch (Exception e) {
                c.rollback(savepoint);
                failure[0] = e.getClass().getSimpleName() + ": " + e.getMessage();
                DeadLetters.recordFailure(c, ids.get(0), failure[0]);
                audit(c, requested, tokenId, "failed: " + failure[0]);
                return null;
              }
              DeadLetters.resolve(c, ids, "retried");
              audit(c, requested, tokenId, "applied " + ids);
              return new Retried(id, ids);
            });
    if (retried == null) {
      throw new ProjectionOperations.Refused("retry_failed", "the parked events still fail, nothing applied: " + failure[0]);
    }
    return retried;
  }

  DeadLetter discard(long id, String tokenId) throws SQLException {
    return tx.inTransaction(
        c -> {
          DeadLetter d = DeadLetters.find(c, id).orElseThrow(() -> new ProjectionOperations.Refused("not_found", "no dead letter " + id));
          if (!d.status().equals("parked")) {
            throw new ProjectionOperations.Refused("not_parked", "dead letter " + id + " is " + d.status());
          }
          DeadLetters.resolve(c, List.of(id), "discarded");
          audit(c, d, tokenId, "discarded");
          return DeadLetters.find(c, id).orElseThrow();
        });
  }

  private static void audit(Connection c, DeadLetter d, String tokenId, String outcome) throws SQLException {
    AdminAudit.record(
        c, outcome.equals("discarded") ? "discard-dead-letter" : "retry-dead-letter", d.projection(),
        Map.of("id", d.id(), "persistenceId", d.persistenceId(), "seqNr", d.seqNr()), null, null, tokenId, outcome);
  }
}
