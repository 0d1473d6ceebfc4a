package io.readside.ops;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.ReadsideConfig;
import java.util.Map;
import java.util.Set;

/** Nodes for tests: any free ports, four slices, the rest as in production. */
final class TestNodes {
  static final String ADMIN_TOKEN = "test-admin-token-0123456789";

  private TestNodes() {}

  static Config config() {
    return config(ConfigFactory.empty());
  }

  static Config config(Config extra) {
    return ReadsideConfig.load(extra.withFallback(
        ConfigFactory.parseMap(
            Map.of(
                "pekko.remote.artery.canonical.port", 0,
                "readside.write-side.port", 0,
                "readside.read-api.port", 0,
                "readside.admin.port", 0,
                "readside.admin.token", ADMIN_TOKEN,
                "readside.slices", 4,
                "readside.worker.pool-size", 4,
                "pekko.loglevel", "WARNING"))));
  }

  static ReadsideNode start(DatabaseSettings db, Set<Role> roles, Config extra) {
    return ReadsideNode.start(config(extra), db, roles);
  }

  static ReadsideNode start(DatabaseSettings db, Set<Role> roles) {
    return ReadsideNode.start(config(), db, roles);
  }

  /** A node that joins the cluster of {@code seed} instead of forming its own. */
  static ReadsideNode join(ReadsideNode seed, DatabaseSettings db, Set<Role> roles) {
    return join(seed, db, roles, ConfigFactory.empty());
  }

  static ReadsideNode join(ReadsideNode seed, DatabaseSettings db, Set<Role> roles, Config extra) {
    String address = org.apache.pekko.cluster.typed.Cluster.get(seed.system()).selfMember().address().toString();
    Config config = ConfigFactory.parseMap(Map.of("readside.cluster.seed-nodes", address)).withFallback(config(extra));
    return ReadsideNode.start(config, db, roles);
  }

  /** The first id {@code prefix + n} whose cart falls in the given slice (of the test's four). */
  static String cartInSlice(String prefix, int slice) {
    for (int i = 0; ; i++) {
      if (io.readside.events.CartTags.sliceOf(prefix + i, 4) == slice) {
        return prefix + i;
      }
    }
  }

  static HttpJson admin(ReadsideNode node) {
    return new HttpJson(node.adminAddress().orElseThrow(), "Bearer " + ADMIN_TOKEN);
  }
}
