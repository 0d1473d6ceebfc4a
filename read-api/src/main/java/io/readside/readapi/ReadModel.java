package io.readside.readapi;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** What the read API answers with: the query tables' rows, as JSON. */
public final class ReadModel {
  private ReadModel() {}

  public record Cart(
      String cartId,
      String status,
      List<Line> lines,
      int lineCount,
      int totalQuantity,
      long totalCents,
      long seqNr,
      Instant createdAt,
      Instant updatedAt,
      Instant checkedOutAt) {}

  public record Line(String itemId, int quantity, long unitPriceCents) {}

  public record CartRow(
      String cartId, String status, int lineCount, int totalQuantity, long totalCents, long seqNr, Instant updatedAt) {}

  /** A keyset page: pass nextAfter as {@code after} for the next page; null on the last one. */
  public record CartPage(List<CartRow> carts, String nextAfter) {}

  public record PopularItem(String itemId, long quantityInCarts, long quantityCheckedOut) {}

  public record PopularItems(List<PopularItem> items) {}

  public record DailySales(LocalDate day, long checkouts, long itemsSold, long revenueCents) {}

  public record SalesByDay(LocalDate from, LocalDate to, List<DailySales> days) {}

  /** The 503 body when a cart has not reached the asked-for sequence number in time. */
  public record NotYetProjected(String error, String message, String cartId, long appliedSeqNr, long minSeqNr) {}
}
