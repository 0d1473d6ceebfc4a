package io.readside.platform;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/** Readiness: the node's database answers. Instantiated by pekko-management from config. */
public final class DatabaseReadinessCheck implements Supplier<CompletionStage<Boolean>> {
  private final DatabaseSettings db;
  private final Executor blocking;

  public DatabaseReadinessCheck(ActorSystem system) {
    this.db = DatabaseSettings.fromConfig(system.settings().config());
    this.blocking = system.dispatchers().lookup("pekko.actor.default-blocking-io-dispatcher");
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.supplyAsync(
        () -> {
          Properties props = new Properties();
          props.setProperty("user", db.user());
          props.setProperty("password", db.password());
          props.setProperty("connectTimeout", "2");
          props.setProperty("socketTimeout", "2");
          try (Connection c = DriverManager.getConnection(db.url(), props)) {
            return c.isValid(2);
          } catch (Exception e) {
            return false;
          }
        },
        blocking);
  }
}
