package io.readside.platform;

import java.util.regex.Pattern;

/**
 * The one rule for cart and item ids, checked before anything touches the database: 1-64
 * characters of A-Z, a-z, 0-9, '.', '_' or '-', and not "." or ".." (which clients and proxies
 * fold away as path segments).
 */
public final class Ids {
  public static final String RULE = "1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-' (not '.' or '..')";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private Ids() {}

  public static boolean isValid(String id) {
    return id != null && ID.matcher(id).matches() && !id.equals(".") && !id.equals("..");
  }

  /** The id, or a 400 {@code invalid_<name>} naming the rule. */
  public static String require(String name, String id) {
    if (!isValid(id)) {
      throw new BadRequest("invalid_" + name, name + " must be " + RULE);
    }
    return id;
  }
}
