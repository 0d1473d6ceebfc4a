package io.readside.projections.dailysales;

import io.readside.events.CartEvent;
import io.readside.projections.SequencedEvent;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a group of a slice's events means for daily-sales, without a database: per UTC day of checkout, what to add. */
public final class DailySalesHandler {
  private DailySalesHandler() {}

  /** Per day, the checkouts, items and revenue the group adds to the slice's row; sorted by day. */
  public record Changes(List<DaySales> days) {
    public Changes {
      days = List.copyOf(days);
    }
  }

  public record DaySales(LocalDate day, long checkouts, long itemsSold, long revenueCents) {
    DaySales plus(DaySales other) {
      return new DaySales(day, checkouts + other.checkouts, itemsSold + other.itemsSold, revenueCents + other.revenueCents);
    }
  }

  public static Changes handle(List<SequencedEvent> events) {
    Map<LocalDate, DaySales> byDay = new TreeMap<>();
    for (SequencedEvent se : events) {
      switch (se.event()) {
        case CartEvent.CheckedOut e -> {
          LocalDate day = LocalDate.ofInstant(e.at(), ZoneOffset.UTC);
          byDay.merge(day, new DaySales(day, 1, e.totalQuantity(), e.totalCents()), DaySales::plus);
        }
        case CartEvent.ItemAdded e -> {}
        case CartEvent.ItemQuantityAdjusted e -> {}
        case CartEvent.ItemRemoved e -> {}
      }
    }
    return new Changes(List.copyOf(byDay.values()));
  }
}
