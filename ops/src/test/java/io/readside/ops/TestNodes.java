package io.readside.ops;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.ReadsideConfig;
import java.util.Map;
import java.util.Set;

/** Nodes for tests: any free ports, four slices, the rest as in production. */
final class TestNodes {
  private TestNodes() {}

  static Config config() {
    return ReadsideConfig.load(
        ConfigFactory.parseMap(
            Map.of(
                "pekko.remote.artery.canonical.port", 0,
                "readside.write-side.port", 0,
                "readside.read-api.port", 0,
                "readside.slices", 4,
                "readside.worker.pool-size", 4,
                "pekko.loglevel", "WARNING")));
  }

  static ReadsideNode start(DatabaseSettings db, Set<Role> roles) {
    return ReadsideNode.start(config(), db, roles);
  }
}
