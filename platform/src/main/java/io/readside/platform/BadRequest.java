package io.readside.platform;

/** Bad input found while reading a request: a 400 with this code and message, never a 500. */
public final class BadRequest extends RuntimeException {
  private final String code;

  public BadRequest(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
