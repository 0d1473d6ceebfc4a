package io.readside.ops;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket: any bytes out, the answer back, or a failure when none comes
 * within the read timeout. For the requests no client library would send.
 */
final class RawHttp {
  static final int READ_TIMEOUT_MS = 5_000;

  record Answer(int status, String contentType, String body) {}

  private final InetSocketAddress address;

  RawHttp(InetSocketAddress address) {
    this.address = address;
  }

  @Override
  public String toString() {
    return "http://127.0.0.1:" + address.getPort();
  }

  /** A request with {@code Connection: close}, a Content-Length when there is a body, and extra header lines. */
  Answer send(String method, String target, byte[] body, String... headerLines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n").getBytes(StandardCharsets.UTF_8));
    for (String line : headerLines) {
      out.writeBytes((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    if (body != null) {
      out.writeBytes(("Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    if (body != null) {
      out.writeBytes(body);
    }
    return sendRaw(out.toByteArray());
  }

  Answer send(String method, String target, String body, String... headerLines) {
    return send(method, target, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headerLines);
  }

  /** Exactly these bytes; the output side stays open, so a server waiting for more input shows as a timeout. */
  Answer sendRaw(byte[] request) {
    try (Socket socket = new Socket()) {
      socket.connect(address, 2_000);
      socket.setSoTimeout(READ_TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      // Written beside the reading: the server may answer (413) and close before reading a large request to its end.
      Thread writer = Thread.ofVirtual().start(() -> {
        try {
          out.write(request);
          out.flush();
        } catch (IOException e) {
          // the answer, if any, is read below
        }
      });
      try {
        return read(socket.getInputStream(), request);
      } finally {
        writer.interrupt();
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no answer within " + READ_TIMEOUT_MS + " ms to " + describe(request));
    } catch (IOException e) {
      throw new AssertionError("connection failed (" + e + ") for " + describe(request), e);
    }
  }

  private static Answer read(InputStream in, byte[] request) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int headEnd = -1;
    int contentLength = -1;
    while (true) {
      int n;
      try {
        n = in.read(buffer);
      } catch (java.net.SocketException e) {
        n = -1; // reset after the answer was sent
      }
      if (n < 0) {
        break;
      }
      received.write(buffer, 0, n);
      byte[] all = received.toByteArray();
      if (headEnd < 0) {
        headEnd = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (headEnd >= 0) {
          contentLength = headerValue(new String(all, 0, headEnd, StandardCharsets.ISO_8859_1), "content-length")
              .map(Integer::parseInt).orElse(-1);
        }
      }
      if (headEnd >= 0 && contentLength >= 0 && all.length >= headEnd + 4 + contentLength) {
        break;
      }
    }
    byte[] all = received.toByteArray();
    if (headEnd < 0) {
      throw new AssertionError("no complete HTTP answer (" + all.length + " bytes) to " + describe(request));
    }
    String head = new String(all, 0, headEnd, StandardCharsets.ISO_8859_1);
    String[] statusLine = head.split("\r\n", 2)[0].split(" ", 3);
    String body = new String(all, headEnd + 4, all.length - headEnd - 4, StandardCharsets.UTF_8);
    return new Answer(Integer.parseInt(statusLine[1]), headerValue(head, "content-type").orElse(""), body);
  }

  private static java.util.Optional<String> headerValue(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return java.util.Optional.of(line.substring(colon + 1).trim());
      }
    }
    return java.util.Optional.empty();
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Percent-encodes every byte of the UTF-8 form that is not unreserved (RFC 3986), for a path segment or query value. */
  static String encode(String value) {
    StringBuilder b = new StringBuilder();
    for (byte x : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (x & 0xFF);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
        b.append(c);
      } else {
        b.append('%').append(HexFormat.of().withUpperCase().toHexDigits(x));
      }
    }
    return b.toString();
  }

  /** The request for a failure message: its first 300 bytes, non-printable ones escaped. */
  static String describe(byte[] request) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(request.length, 300); i++) {
      int c = request[i] & 0xFF;
      b.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return b + (request.length > 300 ? "... (" + request.length + " bytes)" : "");
  }
}
