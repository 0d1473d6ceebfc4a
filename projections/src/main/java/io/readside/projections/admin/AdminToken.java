package io.readside.projections.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The admin endpoint's bearer token. Compared in constant time (digests of equal length, compared
 * with MessageDigest.isEqual); the audit records its id, a digest prefix, never the token.
 */
public final class AdminToken {
  private static final int MIN_LENGTH = 16;
  private final byte[] digest;

  private AdminToken(String secret) {
    this.digest = sha256(secret);
  }

  public static AdminToken of(String secret) {
    if (secret == null || secret.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(
          "ADMIN_TOKEN must be set to a secret of at least " + MIN_LENGTH + " characters for the admin endpoint");
    }
    return new AdminToken(secret);
  }

  /** A fresh random token, for `dev`. */
  public static String generate() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public boolean matches(String presented) {
    return presented != null && MessageDigest.isEqual(digest, sha256(presented));
  }

  public String id() {
    return "sha256:" + HexFormat.of().formatHex(digest).substring(0, 12);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
