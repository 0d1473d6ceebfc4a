package io.readside.platform;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * Loads a node's config: system properties, then application.conf, then every module's
 * readside-library.conf (our settings for Pekko's libraries), then the reference.conf files.
 * Settings for other libraries live in readside-library.conf because reference.conf files are
 * merged in classpath order, where a library's own defaults could silently win over ours.
 */
public final class ReadsideConfig {
  public static final String LIBRARY_SETTINGS = "readside-library.conf";

  private ReadsideConfig() {}

  public static Config load() {
    return load(ConfigFactory.empty());
  }

  /** The same, with {@code overrides} (tests, the launcher) above everything but system properties. */
  public static Config load(Config overrides) {
    ConfigFactory.invalidateCaches();
    return ConfigFactory.defaultOverrides()
        .withFallback(overrides)
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(ConfigFactory.parseResources(LIBRARY_SETTINGS))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }
}
