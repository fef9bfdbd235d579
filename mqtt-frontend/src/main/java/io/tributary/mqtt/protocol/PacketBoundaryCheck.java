/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageFactory;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;

/**
 * Watches the inbound byte stream in front of Netty's MQTT decoder, packet by packet (fixed header and Remaining
 * Length), for what that decoder does not check:
 *
 * <ul>
 *   <li>a field whose length runs past the end of its packet (e.g. a CONNECT {@code 10 20 ff ff ...}): the decoder
 *       would wait for bytes that belong to no packet, until the connect timeout. Every packet whose bytes have all
 *       been handed to the decoder must come out of it decoded; one that does not is malformed [MQTT-3.1.4-1]
 *       [MQTT-4.13.1-1];
 *   <li>the reserved bits of a SUBSCRIBE's Subscription Options, which the decoder drops: bits 6-7 in MQTT 5
 *       [MQTT-3.8.3-5], bits 2-7 in MQTT 3.1.1 [MQTT-3-8.3-4]. Such a SUBSCRIBE never reaches the decoder.
 * </ul>
 *
 * Either way a failed decoding result goes to {@link DecoderFailureHandler}, which answers and closes as for any
 * malformed packet; the bytes behind it are dropped. The stream is only read, never copied, except the start of
 * CONNECT (for the protocol level) and SUBSCRIBE packets. Paired with {@link #decoded()}, which sits right behind the
 * decoder and counts what comes out. Event-loop confined.
 */
public final class PacketBoundaryCheck extends ChannelInboundHandlerAdapter {

    /** Set by Netty's MQTT decoder once it has read the protocol level of CONNECT. */
    private static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private static final int CONNECT = 1;
    private static final int SUBSCRIBE = 8;
    /** Protocol name length, the longest name ("MQIsdp") and the level. */
    private static final int CONNECT_PREFIX = 2 + 6 + 1;

    private final int maxPacketSize;
    private final DecodedCounter counter = new DecodedCounter();

    // The packet being scanned.
    private int headerByte = -1;
    private int remainingLength;
    private int lengthBytes;
    private int bodyLeft;
    private byte[] body; // the bytes of a CONNECT prefix or a SUBSCRIBE; null for other packets
    private int bodyFilled;

    private boolean mqtt5;
    private boolean connectSeen;
    private long packetsComplete;
    private boolean stopped;

    /** @param maxPacketSize the decoder's limit: a longer SUBSCRIBE is refused by the decoder, not read here */
    public PacketBoundaryCheck(int maxPacketSize) {
        this.maxPacketSize = maxPacketSize;
    }

    /** The handler to install right behind the decoder. */
    public ChannelInboundHandlerAdapter decoded() {
        return counter;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (stopped || counter.failed) {
            in.release();
            return;
        }
        if (!connectSeen) {
            // Set up without a CONNECT of its own (tests of an established connection): as the decoder knows it.
            mqtt5 = ctx.channel().attr(VERSION).get() == MqttVersion.MQTT_5;
        }
        int start = in.readerIndex();
        int badSubscribeAt = scan(in, start, in.writerIndex());
        if (badSubscribeAt >= 0) {
            stopped = true;
            if (badSubscribeAt > start) {
                ctx.fireChannelRead(in.retainedSlice(start, badSubscribeAt - start));
            }
            in.release();
            counter.fail("reserved bits of the Subscription Options are not 0");
            return;
        }
        ctx.fireChannelRead(in);
        if (packetsComplete > counter.count && !counter.failed) {
            stopped = true; // the decoder waits inside a packet that has all its bytes: a field ran past its end
            counter.fail("a length inside the packet runs past its Remaining Length");
        }
    }

    /**
     * Advances over the bytes from {@code from} to {@code to}. Returns where a SUBSCRIBE with reserved option bits
     * set starts (an index into this buffer, or {@code from} when it started in an earlier one), else -1.
     */
    private int scan(ByteBuf in, int from, int to) {
        int i = from;
        int packetStart = from;
        while (i < to) {
            if (headerByte < 0) {
                packetStart = i;
                headerByte = in.getUnsignedByte(i++);
                bodyLeft = -1;
                remainingLength = 0;
                lengthBytes = 0;
                continue;
            }
            if (bodyLeft < 0) {
                if (lengthBytes == 4) {
                    stopped = true; // a fifth length byte: the decoder refuses it as malformed
                    return -1;
                }
                int digit = in.getUnsignedByte(i++);
                remainingLength |= (digit & 0x7F) << (7 * lengthBytes++);
                if ((digit & 0x80) == 0) {
                    startBody();
                    if (bodyLeft == 0 && endPacket()) {
                        return packetStart;
                    }
                }
                continue;
            }
            int n = Math.min(bodyLeft, to - i);
            if (body != null && bodyFilled < body.length) {
                int copy = Math.min(n, body.length - bodyFilled);
                in.getBytes(i, body, bodyFilled, copy);
                bodyFilled += copy;
            }
            i += n;
            bodyLeft -= n;
            if (bodyLeft == 0 && endPacket()) {
                return packetStart;
            }
        }
        return -1;
    }

    private void startBody() {
        bodyLeft = remainingLength;
        int type = headerByte >> 4;
        if (type == CONNECT && !connectSeen) {
            body = new byte[Math.min(CONNECT_PREFIX, remainingLength)];
        } else if (type == SUBSCRIBE && remainingLength <= maxPacketSize) {
            body = new byte[remainingLength];
        } else {
            body = null;
        }
        bodyFilled = 0;
    }

    /** A packet's last byte was scanned. True when it is a SUBSCRIBE with reserved option bits set. */
    private boolean endPacket() {
        packetsComplete++;
        int type = headerByte >> 4;
        headerByte = -1;
        byte[] bytes = body;
        body = null;
        if (type == CONNECT && !connectSeen) {
            connectSeen = true;
            int nameLength = bytes.length < 2 ? -1 : (bytes[0] & 0xFF) << 8 | bytes[1] & 0xFF;
            mqtt5 = nameLength >= 0 && 2 + nameLength < bytes.length && bytes[2 + nameLength] == 5;
            return false;
        }
        return type == SUBSCRIBE && bytes != null && reservedOptionBitsSet(bytes, mqtt5);
    }

    /**
     * Whether any filter's options byte has reserved bits set. A SUBSCRIBE whose structure does not hold together
     * is left to the decoder, which refuses it.
     */
    static boolean reservedOptionBitsSet(byte[] b, boolean mqtt5) {
        int i = 2; // packet identifier
        if (mqtt5) {
            int propertiesLength = 0;
            int shift = 0;
            int digit;
            do {
                if (i >= b.length || shift > 21) {
                    return false;
                }
                digit = b[i++] & 0xFF;
                propertiesLength |= (digit & 0x7F) << shift;
                shift += 7;
            } while ((digit & 0x80) != 0);
            i += propertiesLength;
        }
        int reserved = mqtt5 ? 0xC0 : 0xFC;
        while (i + 2 <= b.length) {
            int filterLength = (b[i] & 0xFF) << 8 | b[i + 1] & 0xFF;
            int options = i + 2 + filterLength;
            if (options >= b.length) {
                return false;
            }
            if ((b[options] & reserved) != 0) {
                return true;
            }
            i = options + 1;
        }
        return false;
    }

    /** Counts the packets the decoder turned out; passes each on. */
    private static final class DecodedCounter extends ChannelInboundHandlerAdapter {
        private ChannelHandlerContext ctx;
        private long count;
        private boolean failed;

        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            ctx = context;
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object msg) {
            if (msg instanceof MqttMessage m) {
                count++;
                failed |= m.decoderResult().isFailure();
            }
            context.fireChannelRead(msg);
        }

        /** Passes a decoding failure on, as the decoder does with its own. */
        void fail(String why) {
            if (failed) {
                return;
            }
            failed = true;
            ctx.fireChannelRead(MqttMessageFactory.newInvalidMessage(new DecoderException(why)));
        }
    }
}
