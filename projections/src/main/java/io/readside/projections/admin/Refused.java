package io.readside.projections.admin;

/**
 * An admin request refused before it changed anything. The kind says how it is answered (404 or
 * 409); the code names the reason for clients, the message explains it.
 */
final class Refused extends RuntimeException {
  enum Kind {
    /** What the request names does not exist (404). */
    NOT_FOUND,
    /** It exists, but the request cannot be done now or for it (409). */
    CONFLICT
  }

  final Kind kind;
  final String code;

  private Refused(Kind kind, String code, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.code = code;
  }

  static Refused notFound(String code, String message) {
    return new Refused(Kind.NOT_FOUND, code, message);
  }

  static Refused conflict(String code, String message) {
    return new Refused(Kind.CONFLICT, code, message);
  }
}
