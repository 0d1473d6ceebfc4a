package io.readside.ops;

import com.typesafe.config.Config;
import io.readside.platform.ReadsideConfig;
import io.readside.platform.DatabaseSettings;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** The production deployables: one role each, database from DATABASE_URL. */
final class NodeCommands {
  private NodeCommands() {}

  static int runUntilStopped(Set<Role> roles) throws Exception {
    Config config = ReadsideConfig.load();
    DatabaseSettings db = DatabaseSettings.fromConfig(config);
    ReadsideNode node = ReadsideNode.start(config, db, roles);
    node.writeSideAddress().ifPresent(a -> System.out.println("write side listening on " + a));
    node.readApiAddress().ifPresent(a -> System.out.println("read API listening on " + a));
    node.adminAddress().ifPresent(a -> System.out.println("admin listening on " + a));
    node.system().getWhenTerminated().toCompletableFuture().get();
    return 0;
  }

  @Command(name = "write-side", description = "Runs carts (cluster role write) and the command HTTP API.")
  static final class WriteSideCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      return runUntilStopped(EnumSet.of(Role.WRITE));
    }
  }

  @Command(name = "worker", description = "Runs the projections (cluster role projection) and the admin endpoint (needs ADMIN_TOKEN).")
  static final class WorkerCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      return runUntilStopped(EnumSet.of(Role.PROJECTION, Role.ADMIN));
    }
  }

  @Command(name = "read-api", description = "Runs the query HTTP API over the read model.")
  static final class ReadApiCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      return runUntilStopped(EnumSet.of(Role.READ_API));
    }
  }
}
