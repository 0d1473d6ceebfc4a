package io.readside.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class DatabaseUnavailableTest {

  @Test
  void noConnectionInTimeConnectionFailuresShutdownsAndStatementTimeoutsAreUnavailable() {
    assertTrue(DatabaseUnavailable.isUnavailable(new CompletionException(
        new SQLTransientConnectionException("read-api - Connection is not available, request timed out after 1500ms"))));
    assertTrue(DatabaseUnavailable.isUnavailable(new SQLException("Connection refused", "08001")));
    assertTrue(DatabaseUnavailable.isUnavailable(new RuntimeException(new SQLException("I/O error", "08006"))));
    assertTrue(DatabaseUnavailable.isUnavailable(new SQLException("terminating connection due to administrator command", "57P01")));
    assertTrue(DatabaseUnavailable.isUnavailable(new SQLException("canceling statement due to statement timeout", "57014")));
    assertFalse(DatabaseUnavailable.isUnavailable(new SQLException("relation does not exist", "42P01")));
    assertFalse(DatabaseUnavailable.isUnavailable(new IllegalStateException("a bug")));
  }

  @Test
  void anUnavailableDatabaseIsA503AndAnythingElseFailsOn() {
    assertEquals(503, DatabaseUnavailable.responseOrRethrow(new SQLException("refused", "08001")).status().intValue());
    IllegalStateException bug = new IllegalStateException("a bug");
    assertSame(bug, assertThrows(CompletionException.class, () -> DatabaseUnavailable.responseOrRethrow(bug)).getCause());
  }

  @Test
  void poolTimeoutsFallBackToTheDefaultsAndBecomeDriverProperties() {
    var config = ConfigFactory.parseMap(Map.of("readside.pools.read-api.statement-timeout", "4s"))
        .withFallback(ConfigFactory.defaultReference()).resolve();
    Pools.Timeouts readApi = Pools.Timeouts.fromConfig(config, "read-api");
    assertEquals(new Pools.Timeouts(Duration.ofMillis(1500), Duration.ofSeconds(10), Duration.ofSeconds(4)), readApi);
    assertEquals(Map.of("connectTimeout", "2", "socketTimeout", "10", "options", "-c statement_timeout=4000"), readApi.driverProperties());
    assertEquals(Duration.ofMillis(750), readApi.validation());
    assertEquals(Duration.ofSeconds(60), Pools.Timeouts.fromConfig(config, "unknown-pool").socket());
    assertEquals(Duration.ofMinutes(10), Pools.Timeouts.fromConfig(config, "admin").statement());
    for (String pool : new String[] {"journal", "projections"}) {
      Pools.Timeouts.fromConfig(config, pool);
    }
    assertThrows(IllegalArgumentException.class,
        () -> new Pools.Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5)));
  }
}
