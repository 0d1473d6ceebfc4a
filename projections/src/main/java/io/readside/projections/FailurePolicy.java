package io.readside.projections;

import com.typesafe.config.Config;

/**
 * What a projection does when its handler fails on an event. Transient failures (the database or
 * the connection: see {@link TransientFailures}) are never the event's fault: the group's
 * transaction is rolled back and the instance restarts with Pekko's restart backoff
 * ({@code pekko.projection.restart-backoff}), nothing parked. Other failures are retried at once,
 * {@code retries} times, on the same healthy connection; if they repeat, the policy either parks
 * the failing events (dead letters, offset moves on) or stops at that offset with the error in
 * the status until someone fixes the cause.
 */
public record FailurePolicy(int retries, OnFailure onFailure) {

  public enum OnFailure {
    PARK,
    STOP
  }

  public FailurePolicy {
    if (retries < 0) {
      throw new IllegalArgumentException("retries must be >= 0");
    }
  }

  /** readside.worker.failures: retries, policy, and per-projection policies. */
  public static FailurePolicy forProjection(Config config, String projection) {
    Config f = config.getConfig("readside.worker.failures");
    String policy = f.getString("policy");
    String key = "policies.\"" + projection + "\"";
    if (f.hasPath(key)) {
      policy = f.getString(key);
    }
    return new FailurePolicy(f.getInt("retries"), parse(projection, policy));
  }

  private static OnFailure parse(String projection, String policy) {
    return switch (policy) {
      case "park" -> OnFailure.PARK;
      case "stop" -> OnFailure.STOP;
      default -> throw new IllegalArgumentException(
          "readside.worker.failures policy for " + projection + " must be park or stop, got " + policy);
    };
  }
}
