package io.readside.writeside;

import io.readside.platform.Ids;
import java.util.Optional;

/** Input rules for carts, each with the message a client sees when it breaks one. */
final class CartRules {
  static final int MAX_LINES = 100;
  static final int MIN_QUANTITY = 1;
  static final int MAX_QUANTITY = 1000;
  static final long MAX_UNIT_PRICE_CENTS = 100_000_000L;

  private static final java.util.regex.Pattern IDEMPOTENCY_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private CartRules() {}

  static Optional<Rejection> checkCartId(String cartId) {
    return checkId("cartId", cartId);
  }

  static Optional<Rejection> checkItemId(String itemId) {
    return checkId("itemId", itemId);
  }

  static Optional<Rejection> checkIdempotencyKey(String key) {
    if (key == null || !IDEMPOTENCY_KEY.matcher(key).matches()) {
      return Optional.of(
          Rejection.invalid(
              "invalid_idempotency_key",
              "the Idempotency-Key header must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'"));
    }
    return Optional.empty();
  }

  static Optional<Rejection> checkQuantity(int quantity) {
    if (quantity < MIN_QUANTITY || quantity > MAX_QUANTITY) {
      return Optional.of(
          Rejection.invalid(
              "invalid_quantity",
              "quantity must be between " + MIN_QUANTITY + " and " + MAX_QUANTITY + ", got " + quantity));
    }
    return Optional.empty();
  }

  static Optional<Rejection> checkUnitPrice(long unitPriceCents) {
    if (unitPriceCents < 0 || unitPriceCents > MAX_UNIT_PRICE_CENTS) {
      return Optional.of(
          Rejection.invalid(
              "invalid_price",
              "unitPriceCents must be between 0 and " + MAX_UNIT_PRICE_CENTS + ", got " + unitPriceCents));
    }
    return Optional.empty();
  }

  private static Optional<Rejection> checkId(String field, String value) {
    if (!Ids.isValid(value)) {
      return Optional.of(Rejection.invalid("invalid_" + field, field + " must be " + Ids.RULE));
    }
    return Optional.empty();
  }
}
