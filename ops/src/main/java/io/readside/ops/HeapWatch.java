package io.readside.ops;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The most heap this JVM held right after a garbage collection, since the last {@link #reset()}:
 * the live set plus what the collector chose to keep, which is what must fit in -Xmx. Read from
 * every collection's notification (young ones included), so a short peak between two polls is not
 * missed. The bench runs the write side, the worker, the read API and its own load in one JVM,
 * so this is an upper bound for the worker alone.
 */
final class HeapWatch implements AutoCloseable {
  private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
  private final AtomicLong peakAfterGc = new AtomicLong();
  private final AtomicLong collections = new AtomicLong();
  private final NotificationListener listener = (notification, handback) -> {
    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
      GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
      long used = 0;
      for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
        if (heapPools.contains(pool.getKey())) {
          used += pool.getValue().getUsed();
        }
      }
      long after = used;
      peakAfterGc.accumulateAndGet(after, Math::max);
      collections.incrementAndGet();
    }
  };

  HeapWatch() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
    }
  }

  /** A new window: the next scenario's peak only. */
  void reset() {
    peakAfterGc.set(0);
    collections.set(0);
  }

  long peakAfterGcBytes() {
    return peakAfterGc.get();
  }

  long collections() {
    return collections.get();
  }

  /** The table's row for one scenario: peak heap used after GC, in MiB, against -Xmx. */
  BenchRow row(String scenario) {
    double mib = peakAfterGcBytes() / 1048576.0;
    double max = Runtime.getRuntime().maxMemory() / 1048576.0;
    return new BenchRow(scenario, "jvm", "peak heap used after GC (whole bench JVM), MiB", collections(),
        String.format("%.0f of %.0f MiB", mib, max), "",
        java.util.List.of(new BenchRow.Value("peakHeapAfterGc", mib, "MiB"), new BenchRow.Value("maxHeap", max, "MiB")));
  }

  @Override
  public void close() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      try {
        ((NotificationEmitter) gc).removeNotificationListener(listener);
      } catch (javax.management.ListenerNotFoundException e) {
        // never registered on this collector: nothing to remove
      }
    }
  }
}
