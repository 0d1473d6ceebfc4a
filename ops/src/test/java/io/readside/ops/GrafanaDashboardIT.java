package io.readside.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every metric a panel of ops/grafana/readside-dashboard.json queries is served at /metrics by a node with every role. */
class GrafanaDashboardIT {
  @Test
  void everyMetricTheDashboardQueriesIsServed() throws Exception {
    Map<String, Set<String>> byPanel = GrafanaDashboard.metricsByPanel(GrafanaDashboard.read());
    DatabaseSettings db = TestDatabase.freshDatabase(GrafanaDashboardIT.class);
    Migrations.migrate(db);
    try (ReadsideNode node = TestNodes.start(db, ReadsideNode.allRoles())) {
      // Counters per projection and slice appear once their projection has run; lag gauges after the
      // admin side's first refresh; pool timers after a connection was taken. Writes make all of it happen.
      HttpJson write = new HttpJson(node.writeSideAddress().orElseThrow());
      for (int i = 0; i < 8; i++) {
        assertEquals(200, write.post("/carts/dash-" + i + "/items", "{\"itemId\":\"tea\",\"quantity\":1,\"unitPriceCents\":100}").status());
      }
      HttpJson[] servers = {
          write, new HttpJson(node.readApiAddress().orElseThrow()), new HttpJson(node.adminAddress().orElseThrow())};
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        Set<String> served = new TreeSet<>();
        for (HttpJson server : servers) {
          Map.Entry<Integer, String> metrics = server.getText("/metrics");
          assertEquals(200, metrics.getKey());
          served.addAll(GrafanaDashboard.servedNames(metrics.getValue()));
        }
        Map<String, Set<String>> missing = new TreeMap<>();
        byPanel.forEach((panel, names) -> names.stream().filter(n -> !served.contains(n))
            .forEach(n -> missing.computeIfAbsent(panel, p -> new TreeSet<>()).add(n)));
        assertTrue(missing.isEmpty(), "panels query metrics no node serves: " + missing);
      });
    }
  }
}
