/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

/**
 * The Confluent wire format that registry-aware Kafka serializers write and read: a magic byte 0, the schema's
 * id as a 4-byte big-endian integer, then the body (Avro binary, JSON text, Protobuf). A JSON payload never
 * starts with byte 0, so a record in this format is told apart from a device's JSON by its first byte.
 */
public final class ConfluentWireFormat {

    public static final byte MAGIC = 0;
    public static final int PREFIX_LENGTH = 5;

    private ConfluentWireFormat() {}

    /** The prefix and the body in one array. */
    public static byte[] frame(int schemaId, byte[] body) {
        byte[] out = new byte[PREFIX_LENGTH + body.length];
        out[0] = MAGIC;
        out[1] = (byte) (schemaId >>> 24);
        out[2] = (byte) (schemaId >>> 16);
        out[3] = (byte) (schemaId >>> 8);
        out[4] = (byte) schemaId;
        System.arraycopy(body, 0, out, PREFIX_LENGTH, body.length);
        return out;
    }

    /** Whether a record value carries the prefix. */
    public static boolean isFramed(byte[] value) {
        return value.length >= PREFIX_LENGTH && value[0] == MAGIC;
    }

    /** The schema id of a framed value. */
    public static int schemaId(byte[] value) {
        return ((value[1] & 0xFF) << 24) | ((value[2] & 0xFF) << 16) | ((value[3] & 0xFF) << 8) | (value[4] & 0xFF);
    }

    /** The body of a framed value. */
    public static byte[] body(byte[] value) {
        return java.util.Arrays.copyOfRange(value, PREFIX_LENGTH, value.length);
    }
}
