package io.readside.projections.admin;

import io.readside.projections.DeadLetter;
import io.readside.projections.DeadLetters;
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

  private final SliceOperations operations;
  private final List<ReadModelProjection> projections;

  DeadLetterOperations(SliceOperations operations, List<ReadModelProjection> projections) {
    this.operations = operations;
    this.projections = projections;
  }

  Optional<DeadLetter> find(long id) throws SQLException {
    return operations.tx().inTransaction(c -> DeadLetters.find(c, id));
  }

  /** What a retry's transaction came to: the chain applied, or the error it still fails with. */
  private sealed interface Attempt {
    record Applied(List<Long> ids) implements Attempt {}

    record StillFailing(String error) implements Attempt {}
  }

  Retried retry(long id, String tokenId) throws SQLException {
    DeadLetter requested = find(id).orElseThrow(() -> Refused.notFound("not_found", "no dead letter " + id));
    ReadModelProjection projection =
        Projections.named(projections, requested.projection())
            .orElseThrow(() -> Refused.conflict("unknown_projection", "this worker does not run " + requested.projection()));
    Attempt attempt;
    try (SliceLocks lock = operations.lockSlice(requested.projection(), requested.slice(), "retry of dead letter " + id)) {
      attempt = operations.tx().inTransaction(c -> applyChain(c, projection, requested, tokenId));
    }
    return switch (attempt) {
      case Attempt.Applied a -> new Retried(id, a.ids());
      case Attempt.StillFailing f -> throw Refused.conflict("retry_failed", "the parked events still fail, nothing applied: " + f.error());
    };
  }

  private static Attempt applyChain(Connection c, ReadModelProjection projection, DeadLetter requested, String tokenId)
      throws SQLException {
    List<DeadLetter> chain = DeadLetters.parkedChainLocked(c, requested.projection(), requested.persistenceId());
    if (chain.isEmpty()) {
      throw Refused.conflict(
          "not_parked", "dead letter " + requested.id() + " is " + requested.status().stored() + ", and its cart has nothing parked");
    }
    List<SequencedEvent> events = chain.stream().map(DeadLetter::toEvent).toList();
    List<Long> ids = chain.stream().map(DeadLetter::id).toList();
    Savepoint savepoint = c.setSavepoint();
    try {
      projection.writer().write(c, requested.slice(), events);
    } catch (Exception e) {
      c.rollback(savepoint);
      String error = e.getClass().getSimpleName() + ": " + e.getMessage();
      DeadLetters.recordFailure(c, ids.get(0), error);
      audit(c, "retry-dead-letter", requested, tokenId, "failed: " + error);
      return new Attempt.StillFailing(error);
    }
    DeadLetters.resolve(c, ids, DeadLetter.Status.RETRIED);
    audit(c, "retry-dead-letter", requested, tokenId, "applied " + ids);
    return new Attempt.Applied(ids);
  }

  DeadLetter discard(long id, String tokenId) throws SQLException {
    DeadLetter found = find(id).orElseThrow(() -> Refused.notFound("not_found", "no dead letter " + id));
    try (SliceLocks lock = operations.lockSlice(found.projection(), found.slice(), "discard of dead letter " + id)) {
      return operations.tx().inTransaction(
          c -> {
            DeadLetter d = DeadLetters.find(c, id).orElseThrow(() -> Refused.notFound("not_found", "no dead letter " + id));
            if (d.status() != DeadLetter.Status.PARKED) {
              throw Refused.conflict("not_parked", "dead letter " + id + " is " + d.status().stored());
            }
            DeadLetters.resolve(c, List.of(id), DeadLetter.Status.DISCARDED);
            audit(c, "discard-dead-letter", d, tokenId, "discarded");
            return DeadLetters.find(c, id).orElseThrow();
          });
    }
  }

  private static void audit(Connection c, String action, DeadLetter d, String tokenId, String outcome) throws SQLException {
    AdminAudit.record(
        c, action, d.projection(), Map.of("id", d.id(), "persistenceId", d.persistenceId(), "seqNr", d.seqNr()), null, null, tokenId,
        outcome);
  }
}
