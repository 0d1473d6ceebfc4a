package io.readside.platform;

import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Sits between the socket and pekko-http's parser and replaces every byte of an ill-formed UTF-8
 * sequence with 0x80, a byte the parser refuses at once (400).
 *
 * <p>Why: pekko-http 1.3.0 decodes a header value's multi-byte sequence by taking the next one to
 * three bytes without looking at them, so a lone lead byte such as 0xE4 right before the line end
 * swallows the CR LF, and the parser then waits for a header block that never ends: the client gets
 * no answer until the idle timeout. Bodies are JSON (UTF-8 text) everywhere, where an ill-formed
 * sequence is refused too, so nothing well-formed is changed.
 */
final class Utf8Guard extends GraphStage<FlowShape<ByteString, ByteString>> {
  private static final byte ILLEGAL = (byte) 0x80;

  private final Inlet<ByteString> in = Inlet.create("Utf8Guard.in");
  private final Outlet<ByteString> out = Outlet.create("Utf8Guard.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private final Decoder decoder = new Decoder();

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            ByteString checked = decoder.check(grab(in));
            if (checked.isEmpty()) {
              pull(in);
            } else {
              push(out, checked);
            }
          }

          @Override
          public void onUpstreamFinish() {
            ByteString rest = decoder.finish();
            if (!rest.isEmpty()) {
              emit(out, rest);
            }
            complete(out);
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(in);
          }
        });
      }
    };
  }

  /** A UTF-8 validator across chunk boundaries (RFC 3629 table: no overlongs, no surrogates, nothing above U+10FFFF). */
  static final class Decoder {
    private final byte[] pending = new byte[4];
    private int pendingLength;
    private int needed;
    private int lower;
    private int upper;

    ByteString check(ByteString chunk) {
      if (needed == 0 && isAscii(chunk)) {
        return chunk;
      }
      ByteStringBuilder b = ByteString.createBuilder();
      for (int i = 0; i < chunk.length(); i++) {
        accept(b, chunk.apply(i) & 0xFF);
      }
      return b.result();
    }

    ByteString finish() {
      ByteStringBuilder b = ByteString.createBuilder();
      flushIllegal(b);
      return b.result();
    }

    private void accept(ByteStringBuilder b, int x) {
      if (needed > 0) {
        if (x >= lower && x <= upper) {
          pending[pendingLength++] = (byte) x;
          needed--;
          lower = 0x80;
          upper = 0xBF;
          if (needed == 0) {
            b.putBytes(pending, 0, pendingLength);
            pendingLength = 0;
          }
          return;
        }
        flushIllegal(b);
      }
      if (x < 0x80) {
        b.putByte((byte) x);
      } else if (x >= 0xC2 && x <= 0xDF) {
        start(x, 1, 0x80, 0xBF);
      } else if (x == 0xE0) {
        start(x, 2, 0xA0, 0xBF);
      } else if (x == 0xED) {
        start(x, 2, 0x80, 0x9F);
      } else if (x >= 0xE1 && x <= 0xEF) {
        start(x, 2, 0x80, 0xBF);
      } else if (x == 0xF0) {
        start(x, 3, 0x90, 0xBF);
      } else if (x >= 0xF1 && x <= 0xF3) {
        start(x, 3, 0x80, 0xBF);
      } else if (x == 0xF4) {
        start(x, 3, 0x80, 0x8F);
      } else {
        b.putByte(ILLEGAL);
      }
    }

    private void start(int lead, int continuations, int lowerNext, int upperNext) {
      pending[0] = (byte) lead;
      pendingLength = 1;
      needed = continuations;
      lower = lowerNext;
      upper = upperNext;
    }

    private void flushIllegal(ByteStringBuilder b) {
      for (int i = 0; i < pendingLength; i++) {
        b.putByte(ILLEGAL);
      }
      pendingLength = 0;
      needed = 0;
    }

    private static boolean isAscii(ByteString chunk) {
      for (int i = 0; i < chunk.length(); i++) {
        if (chunk.apply(i) < 0) {
          return false;
        }
      }
      return true;
    }
  }
}
