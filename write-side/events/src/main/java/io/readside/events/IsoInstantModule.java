package io.readside.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.Instant;

/**
 * The events' instants read by {@link IsoInstants} (the form they are written in), everything
 * else by jackson-datatype-jsr310's own deserializer. Registered after JavaTimeModule in
 * {@code pekko.serialization.jackson.jackson-modules}, so it takes precedence; what is written
 * does not change.
 */
public final class IsoInstantModule extends SimpleModule {
  public IsoInstantModule() {
    super("readside-iso-instant");
    addDeserializer(Instant.class, new Deserializer());
  }

  private static final class Deserializer extends StdScalarDeserializer<Instant> {
    Deserializer() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      if (parser.hasToken(JsonToken.VALUE_STRING)) {
        Instant canonical = IsoInstants.parse(parser.getText());
        if (canonical != null) {
          return canonical;
        }
      }
      return InstantDeserializer.INSTANT.deserialize(parser, context);
    }
  }
}
