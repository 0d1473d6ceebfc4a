package io.readside.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class Utf8GuardTest {
  private static byte[] check(byte[]... chunks) {
    Utf8Guard.Decoder decoder = new Utf8Guard.Decoder();
    ByteString all = ByteString.emptyByteString();
    for (byte[] chunk : chunks) {
      all = all.concat(decoder.check(ByteString.fromArray(chunk)));
    }
    return all.concat(decoder.finish()).toArray();
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  void wellFormedUtf8PassesUnchangedEvenWhenSplitAcrossChunks() {
    byte[] text = "X-Name: \u00e4\u65e5\ud83d\ude00\r\n\r\n".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(text, check(text));
    for (int split = 1; split < text.length; split++) {
      assertArrayEquals(text, check(java.util.Arrays.copyOfRange(text, 0, split), java.util.Arrays.copyOfRange(text, split, text.length)));
    }
  }

  @Test
  void aLoneLeadByteBeforeTheLineEndIsReplacedAndTheLineEndKept() {
    assertArrayEquals(bytes('a', 0x80, '\r', '\n', '\r', '\n'), check(bytes('a', 0xe4, '\r', '\n', '\r', '\n')));
    assertArrayEquals(bytes(0x80, 0x80, '\r', '\n'), check(bytes(0xf0, 0x9f), bytes('\r', '\n')));
  }

  @Test
  void overlongsSurrogatesAndStrayBytesAreReplaced() {
    assertArrayEquals(bytes(0x80, 0x80), check(bytes(0xc0, 0xaf)));
    assertArrayEquals(bytes(0x80, 0x80, 0x80), check(bytes(0xed, 0xa0, 0x80)));
    assertArrayEquals(bytes(0x80, 'x'), check(bytes(0xff, 'x')));
    assertArrayEquals(bytes(0x80), check(bytes(0xe4)));
  }
}
