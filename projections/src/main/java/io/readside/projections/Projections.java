package io.readside.projections;

import io.readside.projections.cartsummary.CartSummaryHandler;
import io.readside.projections.cartsummary.CartSummaryRepository;
import io.readside.projections.dailysales.DailySalesHandler;
import io.readside.projections.dailysales.DailySalesRepository;
import io.readside.projections.itempopularity.ItemPopularityHandler;
import io.readside.projections.itempopularity.ItemPopularityRepository;
import java.util.List;
import java.util.Optional;

/** The read models this worker maintains. */
public final class Projections {
  /** Guarded by each cart's sequence number: a replay changes nothing, so it may be rewound. */
  public static final ReadModelProjection CART_SUMMARY =
      new ReadModelProjection(
          "cart-summary",
          SliceWriter.of(CartSummaryRepository::appliedSeqNrs, CartSummaryHandler::handle, CartSummaryRepository::write),
          "read_model.cart_summary", true, List.of("cart_summary", "cart_line"), List.of("cart_summary_gap"));
  /** Additive per slice: a replay would count twice, so it is rebuilt, never rewound. */
  public static final ReadModelProjection ITEM_POPULARITY =
      new ReadModelProjection(
          "item-popularity", SliceWriter.of(ItemPopularityHandler::handle, ItemPopularityRepository::write),
          "read_model.item_popularity_by_slice", false, List.of("item_popularity_by_slice"), List.of());
  /** Additive per slice: rebuilt, never rewound. */
  public static final ReadModelProjection DAILY_SALES =
      new ReadModelProjection(
          "daily-sales", SliceWriter.of(DailySalesHandler::handle, DailySalesRepository::write),
          "read_model.daily_sales_by_slice", false, List.of("daily_sales_by_slice"), List.of());

  private Projections() {}

  public static List<ReadModelProjection> all() {
    return List.of(CART_SUMMARY, ITEM_POPULARITY, DAILY_SALES);
  }

  public static Optional<ReadModelProjection> named(List<ReadModelProjection> projections, String name) {
    return projections.stream().filter(p -> p.name().equals(name)).findFirst();
  }
}
