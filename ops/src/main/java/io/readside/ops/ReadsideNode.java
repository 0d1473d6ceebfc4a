package io.readside.ops;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.opentelemetry.api.OpenTelemetry;
import io.readside.platform.ConnectionBudget;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.HealthPool;
import io.readside.platform.NodeMetrics;
import io.readside.platform.PekkoConfig;
import io.readside.platform.Pools;
import io.readside.platform.Tracing;
import io.readside.projections.Projections;
import io.readside.projections.Worker;
import io.readside.projections.admin.Admin;
import io.readside.projections.admin.LagReadinessCheck;
import io.readside.readapi.ReadApi;
import io.readside.writeside.WriteSide;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * One JVM's share of Readside: an actor system with the asked-for roles, its pools, and its HTTP
 * servers. Pools close at CoordinatedShutdown, after the HTTP servers and the projections stop, and
 * after the worker's slice status recorder (cluster-shutdown phase), the last user of the pools.
 */
public final class ReadsideNode implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final Optional<ServerBinding> writeSide;
  private final Optional<ServerBinding> readApi;
  private final Optional<ServerBinding> admin;

  private ReadsideNode(
      ActorSystem<Void> system, Optional<ServerBinding> writeSide, Optional<ServerBinding> readApi, Optional<ServerBinding> admin) {
    this.system = system;
    this.writeSide = writeSide;
    this.readApi = readApi;
    this.admin = admin;
  }

  /** Connections of the admin endpoint's pool (rebuild, rewind, audit, dead letters). */
  static final int ADMIN_POOL_SIZE = 4;

  public static ReadsideNode start(Config base, DatabaseSettings db, Set<Role> roles) {
    return start(base, db, roles, Optional.empty());
  }

  /**
   * Tracing is readside.tracing's (off, or the OTLP SDK) unless {@code tracing} is given: then the
   * node's spans go to that OpenTelemetry (a test's in-memory exporter), which the caller closes.
   */
  public static ReadsideNode start(Config base, DatabaseSettings db, Set<Role> roles, Optional<OpenTelemetry> tracing) {
    Config config = nodeConfig(base, db, roles);
    if (config.getBoolean("readside.database.connection-budget-check")) {
      connectionBudget(config, roles).check(db);
    }
    ActorSystemSetup setup = ActorSystemSetup.create(BootstrapSetup.create(config));
    ActorSystem<Void> system = ActorSystem.create(
        Behaviors.empty(), "readside", tracing.map(t -> setup.and(Tracing.setup(t))).orElse(setup));
    try {
      if (isClustered(roles)) {
        joinCluster(system, config);
      }
      Optional<ServerBinding> writeSide = Optional.empty();
      Optional<ServerBinding> readApi = Optional.empty();
      Optional<ServerBinding> admin = Optional.empty();
      if (roles.contains(Role.ADMIN)) {
        // First, so a missing token stops the node before anything else starts.
        Admin.Settings settings = Admin.Settings.fromConfig(config);
        HikariDataSource pool = pool(system, "admin", db, ADMIN_POOL_SIZE);
        admin = Optional.of(Admin.start(system, settings, pool, Projections.all(), config.getInt("readside.slices")));
      }
      if (roles.contains(Role.WRITE)) {
        writeSide = Optional.of(WriteSide.start(system, WriteSide.Settings.fromConfig(config)));
      }
      if (roles.contains(Role.PROJECTION)) {
        Worker.Settings settings = Worker.Settings.fromConfig(config);
        HikariDataSource pool = pool(system, "projections", db, settings.poolSize());
        Worker.start(system, settings, pool, db, Projections.all());
      }
      if (roles.contains(Role.READ_API)) {
        ReadApi.Settings settings = ReadApi.Settings.fromConfig(config);
        HikariDataSource pool = pool(system, "read-api", db, settings.poolSize());
        readApi = Optional.of(ReadApi.start(system, settings, pool, db));
      }
      return new ReadsideNode(system, writeSide, readApi, admin);
    } catch (RuntimeException e) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      throw e;
    }
  }

  /** The maximum size of every pool this node's roles open (ReadsideNode.start creates them). */
  static ConnectionBudget connectionBudget(Config config, Set<Role> roles) {
    Map<String, Integer> pools = new LinkedHashMap<>();
    if (roles.contains(Role.WRITE) || roles.contains(Role.PROJECTION)) {
      // The journal's Slick pool: the write side's journal and snapshot store, the workers' read journal.
      pools.put("journal", config.getInt("readside.journal.pool-size"));
    }
    if (roles.contains(Role.PROJECTION)) {
      pools.put("projections", Worker.Settings.fromConfig(config).poolSize());
    }
    if (roles.contains(Role.ADMIN)) {
      pools.put("admin", ADMIN_POOL_SIZE);
    }
    if (roles.contains(Role.READ_API)) {
      pools.put("read-api", ReadApi.Settings.fromConfig(config).poolSize());
    }
    pools.put("health", HealthPool.MAXIMUM_SIZE);
    return new ConnectionBudget(nodeName(roles), pools);
  }

  private static String nodeName(Set<Role> roles) {
    if (roles.equals(allRoles())) {
      return "dev";
    }
    if (roles.contains(Role.PROJECTION)) {
      return "worker";
    }
    return roles.stream().map(r -> switch (r) {
      case WRITE -> "write-side";
      case PROJECTION -> "worker";
      case ADMIN -> "admin";
      case READ_API -> "read-api";
    }).collect(java.util.stream.Collectors.joining("+"));
  }

  static Config nodeConfig(Config base, DatabaseSettings db, Set<Role> roles) {
    List<String> clusterRoles =
        roles.stream().map(r -> r.clusterRole).filter(r -> r != null).toList();
    String checks = "pekko.management.health-checks.readiness-checks.";
    Config withRoles =
        ConfigFactory.empty()
            .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(clusterRoles))
            .withValue(
                "pekko.actor.provider", ConfigValueFactory.fromAnyRef(isClustered(roles) ? "cluster" : "local"))
            // Ready only as a cluster member (where there is a cluster), and as a worker only while caught up.
            .withValue(checks + "cluster-membership", ConfigValueFactory.fromAnyRef(
                isClustered(roles) ? "org.apache.pekko.management.cluster.scaladsl.ClusterMembershipCheck" : ""))
            .withValue(checks + "readside-lag", ConfigValueFactory.fromAnyRef(
                roles.contains(Role.PROJECTION) ? LagReadinessCheck.class.getName() : ""));
    return PekkoConfig.withDatabase(withRoles.withFallback(base), db).resolve();
  }

  private static boolean isClustered(Set<Role> roles) {
    return roles.stream().anyMatch(r -> r.clustered);
  }

  /**
   * readside.cluster.formation: {@code seed-nodes} joins readside.cluster.seed-nodes (comma
   * separated; none means a cluster of one); {@code bootstrap} starts Pekko Management and Cluster
   * Bootstrap, which find the other nodes by service discovery (config locally, the Kubernetes API
   * in a cluster) and let the lowest-addressed contact point form the cluster.
   */
  private static void joinCluster(ActorSystem<?> system, Config config) {
    String formation = config.getString("readside.cluster.formation");
    switch (formation) {
      case "seed-nodes" -> joinSeedNodes(system, config);
      case "bootstrap" -> {
        PekkoManagement.get(system.classicSystem()).start().toCompletableFuture().join();
        ClusterBootstrap.get(system.classicSystem()).start();
      }
      default -> throw new IllegalArgumentException(
          "readside.cluster.formation (CLUSTER_FORMATION) must be seed-nodes or bootstrap, not '" + formation + "'");
    }
  }

  private static void joinSeedNodes(ActorSystem<?> system, Config config) {
    Cluster cluster = Cluster.get(system);
    String seeds = config.getString("readside.cluster.seed-nodes").trim();
    if (seeds.isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    } else {
      List<Address> addresses = new ArrayList<>();
      Arrays.stream(seeds.split(",")).map(String::trim).filter(s -> !s.isEmpty())
          .forEach(s -> addresses.add(AddressFromURIString.parse(s)));
      cluster.manager().tell(new JoinSeedNodes(addresses));
    }
  }

  private static HikariDataSource pool(ActorSystem<?> system, String name, DatabaseSettings db, int size) {
    Pools.Timeouts timeouts = Pools.Timeouts.fromConfig(system.settings().config(), name);
    HikariDataSource pool = Pools.create(name, db, size, timeouts, NodeMetrics.get(system).registry());
    // The last phase before the system terminates: every user of the pool (HTTP routes, projections,
    // SliceStatusRecorder at cluster-shutdown) has stopped in an earlier phase.
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "close-" + name + "-pool",
            () -> {
              pool.close();
              return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
            });
    return pool;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Optional<InetSocketAddress> writeSideAddress() {
    return writeSide.map(ServerBinding::localAddress);
  }

  public Optional<InetSocketAddress> readApiAddress() {
    return readApi.map(ServerBinding::localAddress);
  }

  public Optional<InetSocketAddress> adminAddress() {
    return admin.map(ServerBinding::localAddress);
  }

  public static Set<Role> allRoles() {
    return EnumSet.allOf(Role.class);
  }

  /** Stops gracefully: HTTP unbinds, projections stop and commit, pools close. */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(Duration.ofSeconds(60).toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("node did not stop within 60 s", e);
    }
  }
}
