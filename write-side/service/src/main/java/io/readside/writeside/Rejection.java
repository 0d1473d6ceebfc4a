package io.readside.writeside;

/** Why a command changed nothing. The kind decides the HTTP status; the code is for machines. */
public record Rejection(Kind kind, String code, String message) {

  public enum Kind {
    INVALID,
    NOT_FOUND,
    CONFLICT,
    /** Well-formed but not acceptable, e.g. an Idempotency-Key reused for another request. */
    UNPROCESSABLE
  }

  static Rejection invalid(String code, String message) {
    return new Rejection(Kind.INVALID, code, message);
  }

  static Rejection notFound(String code, String message) {
    return new Rejection(Kind.NOT_FOUND, code, message);
  }

  static Rejection conflict(String code, String message) {
    return new Rejection(Kind.CONFLICT, code, message);
  }

  static Rejection unprocessable(String code, String message) {
    return new Rejection(Kind.UNPROCESSABLE, code, message);
  }
}
