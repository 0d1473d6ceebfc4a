package io.readside.projections;

import io.readside.projections.cartsummary.CartSummaryRepository;
import io.readside.projections.dailysales.DailySalesRepository;
import io.readside.projections.itempopularity.ItemPopularityRepository;
import java.util.List;

/** The read models this worker maintains. */
public final class Projections {
  public static final ReadModelProjection CART_SUMMARY =
      new ReadModelProjection("cart-summary", CartSummaryRepository::apply);
  public static final ReadModelProjection ITEM_POPULARITY =
      new ReadModelProjection("item-popularity", ItemPopularityRepository::apply);
  public static final ReadModelProjection DAILY_SALES =
      new ReadModelProjection("daily-sales", DailySalesRepository::apply);

  private Projections() {}

  public static List<ReadModelProjection> all() {
    return List.of(CART_SUMMARY, ITEM_POPULARITY, DAILY_SALES);
  }
}
