package io.readside.writeside;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WARN when this node's carts stop reaching the journal and one when they reach it again,
 * instead of an ERROR for every failed recovery or write of every cart while PostgreSQL is down.
 */
final class JournalOutageLog implements Extension {
  private static final Logger log = LoggerFactory.getLogger(JournalOutageLog.class);
  private static final ExtensionId<JournalOutageLog> ID =
      new ExtensionId<>() {
        @Override
        public JournalOutageLog createExtension(ActorSystem<?> system) {
          return new JournalOutageLog();
        }
      };

  private final AtomicReference<Instant> downSince = new AtomicReference<>();
  private final LongAdder failures = new LongAdder();

  static JournalOutageLog get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  void failed(Throwable cause) {
    failures.increment();
    if (downSince.compareAndSet(null, Instant.now())) {
      log.warn("carts cannot reach the journal: {}; their commands answer 503 until it is back", rootMessage(cause));
    }
  }

  void reached() {
    Instant since = downSince.get();
    if (since != null && downSince.compareAndSet(since, null)) {
      log.warn(
          "carts reach the journal again after {} ms ({} failed recoveries and writes meanwhile)",
          Duration.between(since, Instant.now()).toMillis(),
          failures.sumThenReset());
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == t ? String.valueOf(t) : t.getMessage() + " (" + root + ")";
  }
}
