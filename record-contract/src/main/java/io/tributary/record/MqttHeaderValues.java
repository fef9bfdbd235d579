/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.record;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * How header values are written: text in UTF-8, QoS as one digit, flags as {@code 1} (absent when false),
 * the expiry as decimal ms since the epoch. Correlation data is the one raw-bytes value.
 *
 * <p>Each value has a strict reading, which throws {@link MalformedMqttRecordException}, and a lenient
 * one with a fallback, for readers that must keep going (the broker delivering a foreign producer's record).
 */
public final class MqttHeaderValues {

    // Shared by every record written; Kafka's producer only reads header values.
    private static final byte[][] QOS_VALUES = {ascii("0"), ascii("1"), ascii("2")};
    private static final byte[] TRUE = ascii("1");

    private MqttHeaderValues() {}

    /** The QoS of a {@code mqtt.qos} value. */
    public static int parseQos(byte @Nullable [] value) {
        int qos = qosOrDefault(value, -1);
        if (qos < 0) {
            throw new MalformedMqttRecordException(MqttHeaders.QOS + " is '" + text(value) + "', expected 0, 1 or 2");
        }
        return qos;
    }

    /** The QoS of a {@code mqtt.qos} value, or {@code defaultQos} when it is not 0, 1 or 2. */
    public static int qosOrDefault(byte @Nullable [] value, int defaultQos) {
        return value != null && value.length == 1 && value[0] >= '0' && value[0] <= '2' ? value[0] - '0' : defaultQos;
    }

    /** A flag ({@code mqtt.retain}, {@code mqtt.payload.format}) is set by the value {@code 1} alone. */
    public static boolean isSet(byte @Nullable [] value) {
        return value != null && value.length == 1 && value[0] == '1';
    }

    /** The deadline of a {@code mqtt.expiry} value, ms since the epoch. */
    public static long parseExpiry(byte @Nullable [] value) {
        try {
            return Long.parseLong(ascii(value));
        } catch (NumberFormatException e) {
            throw new MalformedMqttRecordException(
                    MqttHeaders.EXPIRY + " is '" + text(value) + "', expected ms since the epoch", e);
        }
    }

    /** The deadline of a {@code mqtt.expiry} value, or {@code orElse} when it is not a number. */
    public static long expiryOrDefault(byte[] value, long orElse) {
        try {
            return Long.parseLong(ascii(value));
        } catch (NumberFormatException e) {
            return orElse;
        }
    }

    /** A text value; a header without a value reads as the empty text. */
    public static String text(byte @Nullable [] value) {
        return value == null ? "" : new String(value, StandardCharsets.UTF_8);
    }

    /** A text value, or null for a header without a value. */
    public static @Nullable String textOrNull(byte @Nullable [] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] qos(int qos) {
        return QOS_VALUES[qos];
    }

    static byte[] trueFlag() {
        return TRUE;
    }

    static byte[] expiry(long deadlineMillis) {
        return ascii(Long.toString(deadlineMillis));
    }

    private static String ascii(byte @Nullable [] value) {
        return value == null ? "" : new String(value, StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
