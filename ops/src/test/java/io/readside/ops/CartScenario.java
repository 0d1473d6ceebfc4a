package io.readside.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Drives the write API with random but reproducible commands over many carts, including ones that
 * must be rejected, and keeps the model of what every read endpoint must then show. Each reply's
 * status is checked against the model as it goes, so the write side is checked too.
 */
final class CartScenario {
  record Line(int quantity, long unitPriceCents) {}

  static final class Cart {
    final Map<String, Line> lines = new TreeMap<>();
    Instant checkedOutAt;
    long seqNr;

    int totalQuantity() {
      return lines.values().stream().mapToInt(Line::quantity).sum();
    }

    long totalCents() {
      return lines.values().stream().mapToLong(l -> l.quantity() * l.unitPriceCents()).sum();
    }
  }

  record ItemTotals(long inCarts, long checkedOut) {}

  record DayTotals(long checkouts, long itemsSold, long revenueCents) {}

  private final HttpJson write;
  private final Random random;
  private final List<String> cartIds = new ArrayList<>();
  final Map<String, Cart> carts = new TreeMap<>();
  int rejected;
  int commands;
  /** 503 answers (outcome unknown) that a retry under the same key then settled. */
  int unknownOutcomes;
  private final long seed;

  CartScenario(HttpJson write, long seed, int cartCount) {
    this.write = write;
    this.random = new Random(seed);
    this.seed = seed;
    for (int i = 0; i < cartCount; i++) {
      cartIds.add("cart-" + seed + "-" + i);
    }
  }

  void run(int commands) {
    for (int i = 0; i < commands; i++) {
      step();
    }
  }

  private void step() {
    commands++;
    String cartId = cartIds.get(random.nextInt(cartIds.size()));
    Cart cart = carts.computeIfAbsent(cartId, id -> new Cart());
    String base = "/carts/" + cartId;
    int action = random.nextInt(100);
    boolean done = cart.checkedOutAt != null;
    if (action < 40) {
      String item = "item-" + random.nextInt(12);
      int quantity = 1 + random.nextInt(5);
      long price = 50 + random.nextInt(1000);
      int expected = done ? 409 : cart.lines.containsKey(item) ? 409 : 200;
      JsonNode reply = expect(expected, write("POST", base + "/items", "{\"itemId\":\"" + item + "\",\"quantity\":" + quantity + ",\"unitPriceCents\":" + price + "}"));
      if (expected == 200) {
        cart.lines.put(item, new Line(quantity, price));
        accepted(cart, reply, 1);
      }
    } else if (action < 55) {
      String item = anyItem(cart);
      int quantity = 1 + random.nextInt(8);
      int expected = done ? 409 : cart.lines.containsKey(item) ? 200 : 404;
      JsonNode reply = expect(expected, write("PUT", base + "/items/" + item, "{\"quantity\":" + quantity + "}"));
      if (expected == 200) {
        boolean changed = cart.lines.get(item).quantity() != quantity;
        cart.lines.put(item, new Line(quantity, cart.lines.get(item).unitPriceCents()));
        accepted(cart, reply, changed ? 1 : 0);
      }
    } else if (action < 65) {
      String item = anyItem(cart);
      int expected = done ? 409 : cart.lines.containsKey(item) ? 200 : 404;
      JsonNode reply = expect(expected, write("DELETE", base + "/items/" + item, null));
      if (expected == 200) {
        cart.lines.remove(item);
        accepted(cart, reply, 1);
      }
    } else if (action < 80) {
      int expected = done || cart.lines.isEmpty() ? 409 : 200;
      JsonNode reply = expect(expected, write("POST", base + "/checkout", ""));
      if (expected == 200) {
        cart.checkedOutAt = Instant.parse(reply.get("checkedOutAt").asText());
        accepted(cart, reply, 1);
      }
    } else if (action < 90) {
      // Out of range: refused by the cart's rules (after the checked-out rule).
      expect(done ? 409 : 400, write("POST", base + "/items", "{\"itemId\":\"x\",\"quantity\":0,\"unitPriceCents\":1}"));
    } else {
      // Malformed: refused before it reaches the cart.
      expect(400, write.post(base + "/items", "{\"itemId\":\"x\",\"quantity\":\"many\"}"));
    }
  }

  /**
   * Sends a write under its own Idempotency-Key and, while the outcome is unknown (503 during a
   * fault), retries it with the same key, as a client should: the cart answers a retry with the
   * original reply, so the model's expectation holds whatever happened in between.
   */
  private HttpJson.Reply write(String method, String path, String json) {
    String key = "s" + seed + "-" + commands;
    HttpJson.Reply reply = write.send(method, path, json, key);
    for (int attempt = 0; reply.status() == 503 && attempt < 120; attempt++) {
      unknownOutcomes++;
      try {
        Thread.sleep(250); // a client's back-off between retries
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      reply = write.send(method, path, json, key);
    }
    return reply;
  }

  private String anyItem(Cart cart) {
    if (!cart.lines.isEmpty() && random.nextInt(4) > 0) {
      List<String> items = new ArrayList<>(cart.lines.keySet());
      return items.get(random.nextInt(items.size()));
    }
    return "item-" + random.nextInt(12);
  }

  private JsonNode expect(int status, HttpJson.Reply reply) {
    assertEquals(status, reply.status(), reply.body().toString());
    if (status >= 400) {
      rejected++;
      assertEquals(2, reply.body().size(), "error shape: " + reply.body());
    }
    return reply.body();
  }

  private static void accepted(Cart cart, JsonNode reply, int events) {
    assertEquals(cart.seqNr + events, reply.get("seqNr").asLong(), reply.toString());
    cart.seqNr = reply.get("seqNr").asLong();
    assertEquals(cart.totalCents(), reply.get("totalCents").asLong());
  }

  /** Carts that have at least one event (the others were never created). */
  Map<String, Cart> existingCarts() {
    Map<String, Cart> existing = new TreeMap<>();
    carts.forEach((id, cart) -> {
      if (cart.seqNr > 0) {
        existing.put(id, cart);
      }
    });
    return existing;
  }

  Map<String, ItemTotals> itemTotals() {
    Map<String, ItemTotals> totals = new TreeMap<>();
    for (Cart cart : existingCarts().values()) {
      cart.lines.forEach(
          (item, line) ->
              totals.merge(
                  item,
                  cart.checkedOutAt == null ? new ItemTotals(line.quantity(), 0) : new ItemTotals(0, line.quantity()),
                  (a, b) -> new ItemTotals(a.inCarts() + b.inCarts(), a.checkedOut() + b.checkedOut())));
    }
    // Items that were only ever in carts and then removed still have a (zero) row.
    return totals;
  }

  Map<LocalDate, DayTotals> dailyTotals() {
    Map<LocalDate, DayTotals> days = new TreeMap<>();
    for (Cart cart : existingCarts().values()) {
      if (cart.checkedOutAt != null) {
        days.merge(
            LocalDate.ofInstant(cart.checkedOutAt, ZoneOffset.UTC),
            new DayTotals(1, cart.totalQuantity(), cart.totalCents()),
            (a, b) -> new DayTotals(a.checkouts() + b.checkouts(), a.itemsSold() + b.itemsSold(), a.revenueCents() + b.revenueCents()));
      }
    }
    return days;
  }
}
