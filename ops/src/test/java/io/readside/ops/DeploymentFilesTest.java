package io.readside.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;

/**
 * What can be checked of ops/deploy without a Docker engine or a Kubernetes cluster: every YAML
 * file parses; every environment variable the files give a Readside container is one Readside
 * reads (a `${?VAR}` in a .conf file, a System.getenv or picocli `${env:VAR}` in the code); every
 * container command line is one the jar's picocli parser accepts; the probes ask /health/ready and
 * /health/alive. Not checked: that the image builds, or that the cluster forms in Kubernetes.
 */
class DeploymentFilesTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path DEPLOY = ROOT.resolve("ops/deploy");
  private static final String IMAGE = "readside:";

  @Test
  void everyYamlFileParses() throws IOException {
    List<Path> files = yamlFiles();
    assertTrue(files.size() >= 7, "expected compose.yaml and the Kubernetes manifests, found " + files);
    for (Path file : files) {
      List<Object> docs = load(file);
      assertFalse(docs.isEmpty(), file + " is empty");
      if (file.startsWith(DEPLOY.resolve("kubernetes"))) {
        for (Object doc : docs) {
          Map<String, Object> m = map(doc, file.toString());
          assertTrue(m.get("apiVersion") instanceof String && m.get("kind") instanceof String, file + ": apiVersion and kind");
          assertTrue(map(m.get("metadata"), file + " metadata").get("name") instanceof String, file + ": metadata.name");
        }
      }
    }
  }

  @Test
  void everyVariableTheFilesSetIsOneReadsideReads() throws IOException {
    Set<String> read = variablesReadsideReads();
    assertTrue(read.containsAll(List.of("DATABASE_URL", "ADMIN_TOKEN", "CLUSTER_SEED_NODES", "READSIDE_DEBUG", "ADMIN_URL")), read.toString());
    Map<String, Set<String>> set = variablesTheFilesSet();
    assertTrue(set.values().stream().mapToInt(Set::size).sum() > 20, "found too few variables: " + set);
    List<String> unknown = new ArrayList<>();
    set.forEach((where, names) -> names.stream().filter(n -> !read.contains(n)).forEach(n -> unknown.add(where + ": " + n)));
    assertEquals(List.of(), unknown, "set in ops/deploy but read nowhere (Readside reads " + read + ")");
  }

  @Test
  void everyContainerCommandIsASubCommandOfTheJar() throws IOException {
    Map<String, List<String>> commands = containerCommands();
    assertTrue(commands.values().stream().map(c -> c.get(0)).toList()
        .containsAll(List.of("migrate", "write-side", "worker", "read-api")), commands.toString());
    for (var e : commands.entrySet()) {
      CommandLine.ParseResult parsed;
      try {
        parsed = Readside.commandLine().parseArgs(e.getValue().toArray(String[]::new));
      } catch (CommandLine.ParameterException ex) {
        throw new AssertionError(e.getKey() + ": readside " + e.getValue() + " does not parse: " + ex.getMessage(), ex);
      }
      if (!e.getValue().equals(List.of("--help"))) {
        assertTrue(parsed.hasSubcommand(), e.getKey() + ": " + e.getValue() + " names no sub-command");
        assertEquals(e.getValue().get(0), parsed.subcommand().commandSpec().name(), e.getKey());
      }
    }
  }

  @Test
  void dockerfileRunsTheProductionJarAsANonRootUserWithContainerFlagsAndAHealthCheck() throws IOException {
    String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
    assertTrue(dockerfile.contains("COPY ops/target/readside.jar /app/readside.jar"), "copies the production jar");
    assertFalse(dockerfile.contains("dev-lib"), "the image carries no embedded database");
    assertTrue(Pattern.compile("(?m)^USER (?!root|0\\b)\\S+").matcher(dockerfile).find(), "a non-root USER");
    assertTrue(dockerfile.contains("-XX:MaxRAMPercentage="), "heap sized from the container's limit");
    assertTrue(dockerfile.contains("\"-jar\", \"/app/readside.jar\"]"), "the entry point runs the jar");
    assertTrue(Pattern.compile("(?m)^HEALTHCHECK .*healthcheck\\.sh").matcher(dockerfile).find(), "a HEALTHCHECK");
    assertTrue(Files.readString(DEPLOY.resolve("healthcheck.sh")).contains("GET /health/ready"), "healthcheck asks /health/ready");
  }

  @Test
  void composeRunsPostgresMigrateWriteSideTwoWorkersAndReadApi() throws IOException {
    Map<String, Object> services = map(map(load(DEPLOY.resolve("compose.yaml")).get(0), "compose").get("services"), "services");
    long workers = services.values().stream().map(s -> map(s, "service").get("command")).filter(List.of("worker")::equals).count();
    assertEquals(2, workers, "two workers");
    assertTrue(services.keySet().containsAll(List.of("postgres", "migrate", "write-side", "read-api")), services.keySet().toString());
  }

  @Test
  void kubernetesHasTheRolesProbesRbacPdbJobConfigMapAndSecrets() throws IOException {
    Map<String, Map<String, Object>> byKindAndName = new java.util.TreeMap<>();
    for (Path file : yamlFiles()) {
      if (file.startsWith(DEPLOY.resolve("kubernetes"))) {
        for (Object doc : load(file)) {
          Map<String, Object> m = map(doc, file.toString());
          byKindAndName.put(m.get("kind") + "/" + map(m.get("metadata"), "metadata").get("name"), m);
        }
      }
    }
    for (String role : List.of("write-side", "worker", "read-api")) {
      Map<String, Object> deployment = byKindAndName.get("Deployment/readside-" + role);
      assertTrue(deployment != null, "Deployment/readside-" + role + " in " + byKindAndName.keySet());
      for (Map<String, Object> container : containers(deployment)) {
        assertEquals("/health/ready", httpGetPath(container, "readinessProbe"), role);
        assertEquals("/health/alive", httpGetPath(container, "livenessProbe"), role);
        assertTrue(String.valueOf(container.get("envFrom")).contains("readside-config"), role + ": config from the ConfigMap");
        assertTrue(String.valueOf(container.get("env")).contains("secretKeyRef={name=readside-secrets, key=DATABASE_PASSWORD}"), role);
      }
    }
    assertTrue(String.valueOf(containers(byKindAndName.get("Deployment/readside-worker")).get(0).get("env"))
        .contains("secretKeyRef={name=readside-secrets, key=ADMIN_TOKEN}"), "worker's ADMIN_TOKEN from the Secret");
    assertTrue(byKindAndName.containsKey("Service/readside-write-side") && byKindAndName.containsKey("Service/readside-read-api")
        && byKindAndName.containsKey("Service/readside-worker-admin"), byKindAndName.keySet().toString());
    assertTrue(byKindAndName.containsKey("PodDisruptionBudget/readside-worker"), "worker PDB");
    assertTrue(byKindAndName.containsKey("Job/readside-migrate"), "migration Job");
    assertTrue(byKindAndName.containsKey("ConfigMap/readside-config"), "ConfigMap");
    Map<String, Object> role = byKindAndName.get("Role/readside-pod-reader");
    assertTrue(role != null && String.valueOf(role.get("rules")).contains("pods") && String.valueOf(role.get("rules")).contains("list"),
        "RBAC to list pods for discovery");
    assertTrue(byKindAndName.containsKey("RoleBinding/readside-pod-reader") && byKindAndName.containsKey("ServiceAccount/readside"));
  }

  // ---- what Readside reads

  static Set<String> variablesReadsideReads() throws IOException {
    Set<String> names = new TreeSet<>();
    Pattern conf = Pattern.compile("\\$\\{\\?([A-Z][A-Z0-9_]*)}");
    Pattern getenv = Pattern.compile("getenv\\(\"([A-Z][A-Z0-9_]*)\"\\)");
    Pattern picocliEnv = Pattern.compile("\\$\\{env:([A-Z][A-Z0-9_]*)");
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path f : files.filter(p -> p.toString().contains("/src/main/") && !p.toString().contains("/target/")).toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".conf")) {
          collect(conf, Files.readString(f), names);
        } else if (name.endsWith(".java")) {
          String code = Files.readString(f);
          collect(getenv, code, names);
          collect(picocliEnv, code, names);
        }
      }
    }
    return names;
  }

  private static void collect(Pattern p, String text, Set<String> into) {
    Matcher m = p.matcher(text);
    while (m.find()) {
      into.add(m.group(1));
    }
  }

  // ---- what the files set

  /** Variables per file and container; only Readside's containers (PostgreSQL's own are its business). */
  static Map<String, Set<String>> variablesTheFilesSet() throws IOException {
    Map<String, Set<String>> set = new java.util.TreeMap<>();
    Map<String, Object> services = map(map(load(DEPLOY.resolve("compose.yaml")).get(0), "compose").get("services"), "services");
    services.forEach((name, s) -> {
      Map<String, Object> service = map(s, name);
      if (String.valueOf(service.get("image")).startsWith(IMAGE)) {
        set.put("compose.yaml " + name, envNames(service.get("environment")));
      }
    });
    for (Path file : yamlFiles()) {
      if (!file.startsWith(DEPLOY.resolve("kubernetes"))) {
        continue;
      }
      for (Object doc : load(file)) {
        Map<String, Object> m = map(doc, file.toString());
        if ("ConfigMap".equals(m.get("kind"))) {
          set.put(file.getFileName() + " ConfigMap", new TreeSet<>(map(m.get("data"), "data").keySet()));
        }
        for (Map<String, Object> c : containers(m)) {
          if (String.valueOf(c.get("image")).startsWith(IMAGE)) {
            Set<String> names = new TreeSet<>();
            for (Object e : list(c.get("env"))) {
              names.add((String) map(e, "env").get("name"));
            }
            set.put(file.getFileName() + " " + c.get("name"), names);
          }
        }
      }
    }
    Set<String> dockerEnv = new TreeSet<>();
    collect(Pattern.compile("(?m)^ENV\\s+([A-Z][A-Z0-9_]*)"), Files.readString(DEPLOY.resolve("Dockerfile")), dockerEnv);
    set.put("Dockerfile", dockerEnv);
    Set<String> healthcheckEnv = new TreeSet<>();
    collect(Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)"), Files.readString(DEPLOY.resolve("healthcheck.sh")), healthcheckEnv);
    set.put("healthcheck.sh", healthcheckEnv);
    return set;
  }

  private static Set<String> envNames(Object environment) {
    Set<String> names = new TreeSet<>();
    if (environment instanceof Map<?, ?> m) {
      m.keySet().forEach(k -> names.add(String.valueOf(k)));
    } else {
      for (Object e : list(environment)) {
        names.add(String.valueOf(e).split("=", 2)[0]);
      }
    }
    return names;
  }

  /** Each Readside container's arguments to the jar (its entry point is java ... -jar readside.jar). */
  static Map<String, List<String>> containerCommands() throws IOException {
    Map<String, List<String>> commands = new java.util.TreeMap<>();
    Matcher cmd = Pattern.compile("(?m)^CMD \\[(.*)]").matcher(Files.readString(DEPLOY.resolve("Dockerfile")));
    assertTrue(cmd.find(), "Dockerfile CMD");
    commands.put("Dockerfile CMD", Stream.of(cmd.group(1).split(",")).map(s -> s.trim().replace("\"", "")).toList());
    Map<String, Object> services = map(map(load(DEPLOY.resolve("compose.yaml")).get(0), "compose").get("services"), "services");
    services.forEach((name, s) -> {
      Map<String, Object> service = map(s, name);
      if (String.valueOf(service.get("image")).startsWith(IMAGE)) {
        commands.put("compose.yaml " + name, strings(service.get("command"), name));
      }
    });
    for (Path file : yamlFiles()) {
      if (file.startsWith(DEPLOY.resolve("kubernetes"))) {
        for (Object doc : load(file)) {
          for (Map<String, Object> c : containers(map(doc, file.toString()))) {
            if (String.valueOf(c.get("image")).startsWith(IMAGE)) {
              assertFalse(c.containsKey("command"), file + ": keep the image's entry point (java -jar), pass args");
              commands.put(file.getFileName() + " " + c.get("name"), strings(c.get("args"), file.toString()));
            }
          }
        }
      }
    }
    return commands;
  }

  // ---- YAML helpers

  static List<Path> yamlFiles() throws IOException {
    try (Stream<Path> files = Files.walk(DEPLOY)) {
      return files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    }
  }

  static List<Object> load(Path file) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    List<Object> docs = new ArrayList<>();
    try {
      for (Object doc : new Yaml(new SafeConstructor(options)).loadAll(Files.readString(file))) {
        if (doc != null) {
          docs.add(doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      fail(file + " does not parse: " + e.getMessage());
    }
    return docs;
  }

  /** The containers of a Deployment or Job (none for other kinds). */
  private static List<Map<String, Object>> containers(Map<String, Object> doc) {
    Object spec = doc.get("spec");
    if (!(spec instanceof Map<?, ?>) || !(((Map<?, ?>) spec).get("template") instanceof Map<?, ?> template)) {
      return List.of();
    }
    Map<String, Object> podSpec = map(template.get("spec"), "pod spec");
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object c : list(podSpec.get("containers"))) {
      out.add(map(c, "container"));
    }
    return out;
  }

  private static String httpGetPath(Map<String, Object> container, String probe) {
    return String.valueOf(map(map(container.get(probe), probe).get("httpGet"), probe + ".httpGet").get("path"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String what) {
    if (!(o instanceof Map<?, ?>)) {
      fail(what + " is not a mapping: " + o);
    }
    return (Map<String, Object>) o;
  }

  private static List<?> list(Object o) {
    return o == null ? List.of() : (List<?>) o;
  }

  private static List<String> strings(Object o, String what) {
    if (!(o instanceof List<?> l) || l.isEmpty()) {
      fail(what + ": expected a non-empty list of arguments, got " + o);
      return List.of();
    }
    return l.stream().map(String::valueOf).toList();
  }
}
