package io.readside.ops;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.readside.platform.ReadsideConfig;
import io.readside.projections.admin.AdminToken;
import java.util.Map;
import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.flywaydb.core.api.output.MigrateResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "dev",
    description = "Runs every role in one JVM on an embedded PostgreSQL 17 (or on DATABASE_URL when set).")
final class DevCommand implements Callable<Integer> {
  static final String DATABASE = "readside";

  @Option(names = "--fresh", description = "Start from an empty database.")
  boolean fresh;

  @Option(names = "--data-dir", defaultValue = ".readside/postgres", description = "Embedded PostgreSQL's data (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--pg-port", defaultValue = "54329", description = "Embedded PostgreSQL's port (default: ${DEFAULT-VALUE}).")
  int pgPort;

  @Override
  public Integer call() throws Exception {
    Config config = ReadsideConfig.load();
    String adminToken = config.getString("readside.admin.token");
    if (adminToken.isBlank()) {
      // dev only: a fresh token per run, printed below. Everywhere else ADMIN_TOKEN is required.
      adminToken = AdminToken.generate();
      config = ReadsideConfig.load(ConfigFactory.parseMap(Map.of("readside.admin.token", adminToken)));
    }
    EmbeddedPostgresServer embedded = null;
    DatabaseSettings db;
    if (config.getString("readside.database.url").isBlank()) {
      DevLib.requireEmbeddedPostgres("dev");
      System.out.println("Starting embedded PostgreSQL 17 (data in " + dataDir.toAbsolutePath() + (fresh ? ", fresh" : "") + ") ...");
      embedded = EmbeddedPostgresServer.start(dataDir, pgPort, fresh, false);
      embedded.ensureDatabase(DATABASE);
      db = embedded.settings(DATABASE);
    } else {
      db = DatabaseSettings.fromConfig(config);
    }
    System.out.println("Migrating " + db.url() + " ...");
    MigrateResult migrated = Migrations.migrate(db);
    System.out.println("Migrations: " + migrated.migrationsExecuted + " applied.");
    System.out.println("Starting the write side, projection worker, read API and admin endpoint (one cluster node) ...");
    ReadsideNode node = ReadsideNode.start(config, db, ReadsideNode.allRoles());
    if (embedded != null) {
      // Ctrl-C: the JVM runs its shutdown hooks in parallel; this one waits until the node's
      // CoordinatedShutdown (another hook) has stopped everything that uses the database, then
      // stops PostgreSQL, so the node never writes to a server already stopped.
      EmbeddedPostgresServer server = embedded;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        node.system().getWhenTerminated().toCompletableFuture().join();
        server.close();
      }, "readside-dev-stop-postgres"));
    }
    printBanner(db, embedded, node, adminToken);
    node.system().getWhenTerminated().toCompletableFuture().get();
    return 0;
  }

  private void printBanner(DatabaseSettings db, EmbeddedPostgresServer embedded, ReadsideNode node, String adminToken) {
    String admin = node.adminAddress().map(a -> "http://" + a.getHostString() + ":" + a.getPort()).orElseThrow();
    String write = node.writeSideAddress().map(a -> "http://" + a.getHostString() + ":" + a.getPort()).orElseThrow();
    String read = node.readApiAddress().map(a -> "http://" + a.getHostString() + ":" + a.getPort()).orElseThrow();
    StringBuilder b = new StringBuilder();
    b.append("\nReadside dev is up.\n");
    b.append("  database    ").append(db.url()).append("  (user ").append(db.user()).append(")\n");
    if (embedded != null) {
      b.append("  psql        psql -h localhost -p ").append(embedded.port()).append(" -U ").append(db.user()).append(' ').append(DATABASE).append('\n');
    }
    b.append("  write side  ").append(write).append('\n');
    b.append("  read API    ").append(read).append('\n');
    b.append("  admin       ").append(admin).append("   token: ").append(adminToken).append('\n');
    b.append("  console     ").append(admin).append("/console   (in a browser; sign in with the token)\n");
    b.append("\nTry:\n");
    b.append("  curl -s -X POST ").append(write).append("/carts/cart-1/items -H 'Content-Type: application/json' -d '{\"itemId\":\"apple\",\"quantity\":2,\"unitPriceCents\":150}'\n");
    b.append("  curl -s '").append(read).append("/carts/cart-1?minSeqNr=1&waitMs=2000'\n");
    b.append("  curl -s -H 'Authorization: Bearer ").append(adminToken).append("' ").append(admin).append("/admin/projections\n");
    b.append("  ADMIN_TOKEN=").append(adminToken).append(" ops/bin/readside admin --url ").append(admin).append(" status\n");
    b.append("\nStop with Ctrl-C. ");
    b.append(embedded != null ? "Data stays in " + dataDir + " (--fresh starts over).\n" : "\n");
    System.out.println(b);
  }
}
