/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/** Message bodies: incompressible filler, optionally led by the timestamps the latency phase reads. */
public final class Payloads {

    /** Bytes the latency phase needs: send nanoTime, then scheduled nanoTime. */
    public static final int TIMESTAMP_BYTES = 16;

    private Payloads() {}

    /** Random bytes, so neither Kafka compression nor a clever broker can shrink the work. */
    public static byte[] filler(int size) {
        final byte[] bytes = new byte[size];
        final SplittableRandom random = new SplittableRandom(size);
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    /**
     * A device's JSON reading padded in its {@code note} to {@code size} bytes (at least its fixed part, 84
     * bytes), for schema bindings: {@code {"temp":21.5,"humidity":40.25,"unit":"C","device":"dev-17",...}}.
     */
    public static byte[] jsonReading(int size) {
        String head =
                "{\"temp\":21.5,\"humidity\":40.25,\"unit\":\"C\",\"device\":\"dev-17\",\"seq\":123456,\"note\":\"";
        String tail = "\"}";
        return (head + "x".repeat(Math.max(0, size - head.length() - tail.length())) + tail)
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** A copy of {@code filler} (at least {@link #TIMESTAMP_BYTES} long) stamped with both times. */
    public static byte[] stamped(byte[] filler, long sendNanos, long scheduledNanos) {
        final byte[] bytes = new byte[Math.max(filler.length, TIMESTAMP_BYTES)];
        System.arraycopy(filler, 0, bytes, 0, filler.length);
        ByteBuffer.wrap(bytes).putLong(0, sendNanos).putLong(8, scheduledNanos);
        return bytes;
    }

    /** Whether the payload is long enough to carry the timestamps (any nanoTime value is valid). */
    public static boolean isStamped(ByteBuffer payload) {
        return payload.remaining() >= TIMESTAMP_BYTES;
    }

    /** The System.nanoTime() taken just before the publish call; check {@link #isStamped} first. */
    public static long sendNanos(ByteBuffer payload) {
        return payload.getLong(payload.position());
    }

    /** The instant the pacing schedule meant the message to go; check {@link #isStamped} first. */
    public static long scheduledNanos(ByteBuffer payload) {
        return payload.getLong(payload.position() + 8);
    }
}
