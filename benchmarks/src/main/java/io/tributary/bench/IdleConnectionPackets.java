/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The few MQTT 5 packets an idle client sends, as bytes: a load generator that holds thousands of connections
 * should cost the broker's machine as little CPU as possible, so there is no codec, only these.
 */
final class IdleConnectionPackets {

    static final int CONNACK = 2;
    static final int SUBACK = 9;
    static final int PINGRESP = 13;

    private IdleConnectionPackets() {}

    /** CONNECT, MQTT 5, clean start, no will, no credentials, no properties. */
    static ByteBuf connect(ByteBufAllocator alloc, String clientId, int keepAliveSeconds) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        // Protocol name (6), level (1), flags (1), keep alive (2), property length (1); client id (2 + n).
        int remaining = 6 + 1 + 1 + 2 + 1 + 2 + id.length;
        ByteBuf b = alloc.buffer(1 + 4 + remaining);
        b.writeByte(0x10);
        writeLength(b, remaining);
        b.writeShort(4).writeBytes("MQTT".getBytes(StandardCharsets.US_ASCII));
        b.writeByte(5);
        b.writeByte(0x02); // clean start
        b.writeShort(keepAliveSeconds);
        b.writeByte(0); // no properties
        b.writeShort(id.length).writeBytes(id);
        return b;
    }

    /** SUBSCRIBE to one filter at QoS 0, packet id 1, no properties. */
    static ByteBuf subscribe(ByteBufAllocator alloc, String filter) {
        byte[] f = filter.getBytes(StandardCharsets.UTF_8);
        int remaining = 2 + 1 + 2 + f.length + 1;
        ByteBuf b = alloc.buffer(1 + 4 + remaining);
        b.writeByte(0x82);
        writeLength(b, remaining);
        b.writeShort(1);
        b.writeByte(0); // no properties
        b.writeShort(f.length).writeBytes(f);
        b.writeByte(0); // QoS 0
        return b;
    }

    static ByteBuf pingreq(ByteBufAllocator alloc) {
        return alloc.buffer(2).writeByte(0xC0).writeByte(0);
    }

    private static void writeLength(ByteBuf b, int length) {
        do {
            int digit = length % 128;
            length /= 128;
            b.writeByte(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
    }

    /**
     * The length of the first whole packet at the reader index of {@code in} (fixed header included), or -1 while
     * it is incomplete.
     */
    static int wholePacketLength(ByteBuf in) {
        int i = in.readerIndex() + 1;
        int length = 0;
        for (int shift = 0; shift <= 21; shift += 7) {
            if (i >= in.writerIndex()) {
                return -1;
            }
            int digit = in.getUnsignedByte(i++);
            length |= (digit & 0x7F) << shift;
            if ((digit & 0x80) == 0) {
                int total = i - in.readerIndex() + length;
                return in.readableBytes() >= total ? total : -1;
            }
        }
        throw new IllegalStateException("malformed Remaining Length from the broker");
    }
}
