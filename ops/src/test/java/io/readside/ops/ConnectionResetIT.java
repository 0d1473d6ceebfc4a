package io.readside.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.readside.migrations.Migrations;
import io.readside.platform.DatabaseSettings;
import io.readside.platform.TestDatabase;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * Clients that reset their connections with requests in flight (what a load generator does when
 * its run ends) end those connections, not the server: it still accepts new ones. Before, a
 * failed connection failed the accept stream and the port stopped listening for good.
 */
class ConnectionResetIT {

  @Test
  void theServerKeepsListeningAfterClientsResetConnectionsMidRequest() throws Exception {
    DatabaseSettings db = TestDatabase.freshDatabase(ConnectionResetIT.class);
    Migrations.migrate(db);
    try (ReadsideNode node = TestNodes.start(db, EnumSet.of(Role.READ_API))) {
      int port = node.readApiAddress().orElseThrow().getPort();
      byte[] requests = "GET /items/popular?limit=100 HTTP/1.1\r\nHost: test\r\n\r\n".repeat(20).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 30; i++) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
          OutputStream out = socket.getOutputStream();
          out.write(requests);
          out.flush();
          // Close with RST, not FIN: the server's answers then meet a reset connection.
          socket.setSoLinger(true, 0);
        }
      }
      // Each on a new connection: the unbinding, when there was one, followed the resets within
      // milliseconds, so some of these would be refused.
      for (int i = 0; i < 50; i++) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
          socket.setSoTimeout(5_000);
          socket.getOutputStream().write(
              "GET /items/popular HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
          assertTrue(answer.startsWith("HTTP/1.1 200 OK"), answer);
        }
      }
    }
  }
}
