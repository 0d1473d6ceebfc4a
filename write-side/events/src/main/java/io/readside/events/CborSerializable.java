package io.readside.events;

/**
 * Marker for messages and events that Pekko serializes with Jackson CBOR. Pekko has no marker type
 * of its own; the binding lives in this module's reference.conf so every JVM that sees an event
 * serializes it the same way.
 */
public interface CborSerializable {}
