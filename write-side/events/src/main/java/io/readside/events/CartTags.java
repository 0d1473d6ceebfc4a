package io.readside.events;

/**
 * Which slice, and so which tag, a cart's events belong to. Writer and worker must agree on this
 * function and on the slice count; the count is fixed once events exist (see the README).
 */
public final class CartTags {
  public static final String PREFIX = "carts-";

  private CartTags() {}

  public static int sliceOf(String cartId, int slices) {
    return Math.floorMod(cartId.hashCode(), slices);
  }

  public static String tagOf(String cartId, int slices) {
    return tagForSlice(sliceOf(cartId, slices));
  }

  public static String tagForSlice(int slice) {
    return PREFIX + slice;
  }

  public static int sliceOfTag(String tag) {
    if (!tag.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a cart tag: " + tag);
    }
    return Integer.parseInt(tag.substring(PREFIX.length()));
  }
}
