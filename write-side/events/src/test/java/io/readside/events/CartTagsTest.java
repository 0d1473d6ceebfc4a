package io.readside.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CartTagsTest {

  @Test
  void sliceIsTheFloorModOfTheCartIdsHashSoItIsNeverNegative() {
    // "polygenelubricants".hashCode() is Integer.MIN_VALUE: the classic Math.abs trap.
    assertEquals(Integer.MIN_VALUE, "polygenelubricants".hashCode());
    assertEquals(0, CartTags.sliceOf("polygenelubricants", 8));
    for (int i = 0; i < 1000; i++) {
      int slice = CartTags.sliceOf("cart-" + i, 8);
      assertTrue(slice >= 0 && slice < 8);
    }
  }

  @Test
  void tagsNameTheirSliceAndParseBack() {
    assertEquals("carts-3", CartTags.tagForSlice(3));
    assertEquals(3, CartTags.sliceOfTag("carts-3"));
    assertEquals(CartTags.tagForSlice(CartTags.sliceOf("abc", 8)), CartTags.tagOf("abc", 8));
    assertThrows(IllegalArgumentException.class, () -> CartTags.sliceOfTag("orders-1"));
  }
}
