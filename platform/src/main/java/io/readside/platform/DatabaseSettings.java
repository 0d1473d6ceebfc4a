package io.readside.platform;

import com.typesafe.config.Config;

/** Where a deployable's PostgreSQL is and who it logs in as. Secrets only ever come from config/env. */
public record DatabaseSettings(String url, String user, String password) {

  public DatabaseSettings {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(
          "no database URL: set DATABASE_URL (jdbc:postgresql://host:port/db) or run `readside dev`");
    }
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "DATABASE_URL must be a PostgreSQL JDBC URL (jdbc:postgresql://...), got: " + url);
    }
  }

  /** Reads {@code readside.database}: url, user, password. */
  public static DatabaseSettings fromConfig(Config config) {
    Config db = config.getConfig("readside.database");
    return new DatabaseSettings(db.getString("url"), db.getString("user"), db.getString("password"));
  }

  /**
   * The same database with one more JDBC URL parameter. Used for {@code prepareThreshold=0} on the
   * read journal's pool: a server-side generic plan chosen while the journal was empty slowed
   * eventsByTag catch-up fifteen-fold (PEKKO-NOTES.md, "generic-plan trap").
   */
  public DatabaseSettings withUrlParameter(String name, String value) {
    String separator = url.contains("?") ? "&" : "?";
    return new DatabaseSettings(url + separator + name + "=" + value, user, password);
  }

  /** The same server, another database on it (tests give each class its own). */
  public DatabaseSettings withDatabase(String database) {
    String base = url;
    String query = "";
    int q = url.indexOf('?');
    if (q >= 0) {
      base = url.substring(0, q);
      query = url.substring(q);
    }
    int slash = base.lastIndexOf('/');
    return new DatabaseSettings(base.substring(0, slash + 1) + database + query, user, password);
  }

  @Override
  public String toString() {
    return "DatabaseSettings[url=" + url + ", user=" + user + ", password=***]";
  }
}
