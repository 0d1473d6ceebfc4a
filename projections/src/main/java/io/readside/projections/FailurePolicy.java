package io.readside.projections;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * What a projection does when its handler fails: retry the group with doubling backoff, then
 * either park the events that still fail (dead letters, offset moves on) or stop at that offset
 * with the error in the status until someone fixes the cause.
 */
public record FailurePolicy(int retries, Duration firstBackoff, OnFailure onFailure) {

  public enum OnFailure {
    PARK,
    STOP
  }

  public FailurePolicy {
    if (retries < 0) {
      throw new IllegalArgumentException("retries must be >= 0");
    }
  }

  /** readside.worker.failures: retries, first-backoff, policy, and per-projection policies. */
  public static FailurePolicy forProjection(Config config, String projection) {
    Config f = config.getConfig("readside.worker.failures");
    String policy = f.getString("policy");
    String key = "policies.\"" + projection + "\"";
    if (f.hasPath(key)) {
      policy = f.getString(key);
    }
    return new FailurePolicy(f.getInt("retries"), f.getDuration("first-backoff"), parse(projection, policy));
  }

  private static OnFailure parse(String projection, String policy) {
    return switch (policy) {
      case "park" -> OnFailure.PARK;
      case "stop" -> OnFailure.STOP;
      default -> throw new IllegalArgumentException(
          "readside.worker.failures policy for " + projection + " must be park or stop, got " + policy);
    };
  }

  Duration backoff(int attempt) {
    return firstBackoff.multipliedBy(1L << Math.min(attempt, 10));
  }
}
