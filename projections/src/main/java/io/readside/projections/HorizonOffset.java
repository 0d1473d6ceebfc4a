package io.readside.projections;

/** A horizon source offset: the (tx_id, ordering) of the last row applied, stored as "tx:ordering". */
public record HorizonOffset(long txId, long ordering) implements Comparable<HorizonOffset> {
  public static final HorizonOffset START = new HorizonOffset(0, 0);

  public static String format(long txId, long ordering) {
    return txId + ":" + ordering;
  }

  /** Parses "tx:ordering"; anything else is an IllegalArgumentException. */
  public static HorizonOffset parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("not a horizon offset (tx_id:ordering): " + text);
    }
    return new HorizonOffset(Long.parseLong(text.substring(0, colon)), Long.parseLong(text.substring(colon + 1)));
  }

  @Override
  public String toString() {
    return format(txId, ordering);
  }

  @Override
  public int compareTo(HorizonOffset o) {
    int c = Long.compare(txId, o.txId);
    return c != 0 ? c : Long.compare(ordering, o.ordering);
  }
}
