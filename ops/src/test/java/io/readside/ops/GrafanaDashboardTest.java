package io.readside.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dashboard's shape, and the PromQL reading GrafanaDashboardIT relies on. */
class GrafanaDashboardTest {
  @Test
  void metricNamesAreTheSelectorsNotFunctionsLabelsKeywordsOrVariables() {
    assertEquals(
        Set.of("readside_projection_events_total"),
        GrafanaDashboard.metricNames("sum by (projection, slice) (rate(readside_projection_events_total{projection=~\"$projection\"}[$__rate_interval]))"));
    assertEquals(
        Set.of("hikaricp_connections_active", "hikaricp_connections_max"),
        GrafanaDashboard.metricNames("sum by (pool) (hikaricp_connections_active) / on (pool) group_left max by (pool) (hikaricp_connections_max{pool=~\"a|b\"})"));
    assertEquals(
        Set.of("readside_projection_lag_events"),
        GrafanaDashboard.metricNames("count(max by (projection) (readside_projection_lag_events offset 5m) > 0) or vector(1e3)"));
    assertEquals(Set.of("process_cpu_usage"), GrafanaDashboard.metricNames("process_cpu_usage"));
  }

  @Test
  void theDashboardCoversLagEventsAppliedDeadLettersPoolsAndTheHorizon() throws Exception {
    JsonNode dashboard = GrafanaDashboard.read();
    Map<String, Set<String>> byPanel = GrafanaDashboard.metricsByPanel(dashboard);
    Set<String> all = new java.util.TreeSet<>();
    byPanel.values().forEach(all::addAll);
    for (String required : new String[] {
        "readside_projection_lag_events", "readside_projection_lag_seconds", "readside_projection_events_total",
        "readside_projection_dead_letters_total", "readside_horizon_held_seconds", "hikaricp_connections_active",
        "hikaricp_connections_max", "jvm_memory_used_bytes"}) {
      assertTrue(all.contains(required), "no panel queries " + required + ": " + byPanel);
    }
    byPanel.forEach((panel, names) -> assertFalse(names.isEmpty(), "panel '" + panel + "' queries no metric"));
    // Lag is shown per projection and slice.
    assertTrue(dashboard.toString().contains("max by (projection, slice) (readside_projection_lag_events"), "lag per projection and slice");
  }
}
