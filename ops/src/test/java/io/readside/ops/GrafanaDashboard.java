package io.readside.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.readside.platform.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ops/grafana/readside-dashboard.json read as a test sees it: each panel's PromQL and the metric names those query. */
final class GrafanaDashboard {
  static final Path FILE = Path.of("grafana", "readside-dashboard.json");

  /** PromQL words that look like names but are not metrics. */
  private static final Set<String> KEYWORDS = Set.of(
      "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and", "or", "unless", "inf", "nan");
  // Grafana variables ($x, ${x}, [[x]]), quoted strings, label matchers {...}, ranges [5m] and grouping lists.
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$\\w+|\\[\\[[^]]*]]");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern NAME = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(\\s*\\()?");

  private GrafanaDashboard() {}

  static JsonNode read() throws IOException {
    return Json.MAPPER.readTree(Files.readString(FILE));
  }

  /** Per panel title (and "variable <name>" for template variables): the metric names its queries read. */
  static Map<String, Set<String>> metricsByPanel(JsonNode dashboard) {
    Map<String, Set<String>> byPanel = new LinkedHashMap<>();
    for (JsonNode panel : panels(dashboard)) {
      for (JsonNode target : panel.path("targets")) {
        byPanel.computeIfAbsent(panel.path("title").asText(), t -> new TreeSet<>()).addAll(metricNames(target.path("expr").asText()));
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if ("query".equals(variable.path("type").asText())) {
        JsonNode query = variable.path("query");
        String text = query.isObject() ? query.path("query").asText() : query.asText();
        byPanel.put("variable " + variable.path("name").asText(), metricNames(labelValuesMetric(text)));
      }
    }
    return byPanel;
  }

  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> all = new java.util.ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      all.add(panel);
      panel.path("panels").forEach(all::add); // panels inside a collapsed row
    }
    return all;
  }

  /** {@code label_values(metric{...}, label)} is Grafana's, not PromQL: its first argument is the series selector. */
  private static String labelValuesMetric(String query) {
    Matcher m = Pattern.compile("label_values\\((.*),\\s*\\w+\\)").matcher(query.trim());
    return m.matches() ? m.group(1) : query;
  }

  /** The metric names one PromQL expression reads: identifiers that are not functions, keywords, labels or numbers. */
  static Set<String> metricNames(String promql) {
    String expr = VARIABLE.matcher(promql).replaceAll("x");
    expr = STRING.matcher(expr).replaceAll("\"\"");
    expr = MATCHERS.matcher(expr).replaceAll(" ");
    expr = RANGE.matcher(expr).replaceAll(" ");
    expr = GROUPING.matcher(expr).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = NAME.matcher(expr);
    while (m.find()) {
      boolean function = m.group(2) != null;
      if (!function && !KEYWORDS.contains(m.group(1).toLowerCase(java.util.Locale.ROOT))) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** The metric names in a Prometheus text exposition (the names of its samples, without the labels). */
  static Set<String> servedNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        Matcher m = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)").matcher(line);
        if (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    return names;
  }
}
