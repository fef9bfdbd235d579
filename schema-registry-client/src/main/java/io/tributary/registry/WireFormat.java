/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry;

/**
 * The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the body (Avro binary,
 * JSON Schema's JSON text, or Protobuf's message indexes and message). A JSON payload never starts with byte 0, so
 * the two cannot be confused. Registry-aware Kafka serializers write it, the broker's validate-and-encode bindings
 * too, and the lake connectors read it.
 */
public final class WireFormat {
    /** Where the body starts. */
    public static final int PREFIX_LENGTH = 5;

    private static final byte MAGIC = 0;

    private WireFormat() {}

    /** Whether {@code payload} starts with the wire-format prefix. */
    public static boolean matches(byte[] payload) {
        return payload.length >= PREFIX_LENGTH && payload[0] == MAGIC;
    }

    /** The schema id of a payload that {@link #matches}. */
    public static int schemaId(byte[] payload) {
        return ((payload[1] & 0xff) << 24)
                | ((payload[2] & 0xff) << 16)
                | ((payload[3] & 0xff) << 8)
                | (payload[4] & 0xff);
    }

    /** The body of a payload that {@link #matches}: what follows the prefix. */
    public static byte[] body(byte[] payload) {
        return java.util.Arrays.copyOfRange(payload, PREFIX_LENGTH, payload.length);
    }

    /** The prefix for {@code schemaId}, followed by {@code body}. */
    public static byte[] encode(int schemaId, byte[] body) {
        byte[] payload = new byte[PREFIX_LENGTH + body.length];
        payload[1] = (byte) (schemaId >>> 24);
        payload[2] = (byte) (schemaId >>> 16);
        payload[3] = (byte) (schemaId >>> 8);
        payload[4] = (byte) schemaId;
        System.arraycopy(body, 0, payload, PREFIX_LENGTH, body.length);
        return payload;
    }
}
