/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * An MQTT client at the byte level, for what no real client will send: malformed packets, protocol
 * violations, withheld acknowledgements. Packets are encoded and decoded with Netty's codec on embedded
 * channels over a plain blocking socket.
 */
public final class RawMqttClient implements AutoCloseable {

    private static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
    private final EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder(16 * 1024 * 1024));

    public RawMqttClient(int port, MqttVersion version) throws IOException {
        this.socket = new Socket("127.0.0.1", port);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        encoder.attr(VERSION).set(version);
        decoder.attr(VERSION).set(version);
    }

    /** Encodes and sends a packet (the message is released). */
    public RawMqttClient send(MqttMessage message) throws IOException {
        encoder.writeOutbound(message);
        ByteBuf buf;
        while ((buf = encoder.readOutbound()) != null) {
            try {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                out.write(bytes);
            } finally {
                buf.release();
            }
        }
        out.flush();
        return this;
    }

    /** Sends raw bytes as they are. */
    public RawMqttClient sendBytes(byte... bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** The next packet from the broker, or null when none arrives in time or the connection closed. */
    public @Nullable MqttMessage read(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            MqttMessage m = decoder.readInbound();
            if (m != null) {
                return m;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            byte[] chunk = new byte[8192];
            int n;
            try {
                n = in.read(chunk);
            } catch (SocketTimeoutException e) {
                return null;
            } catch (IOException e) {
                return null; // reset by the broker
            }
            if (n < 0) {
                return null;
            }
            decoder.writeInbound(Unpooled.wrappedBuffer(chunk, 0, n));
        }
    }

    /** True when the broker closes the connection within the timeout (packets before the close are skipped). */
    public boolean awaitClosed(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] chunk = new byte[8192];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                int n = in.read(chunk);
                if (n < 0) {
                    return true;
                }
                decoder.writeInbound(Unpooled.wrappedBuffer(chunk, 0, n));
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }
        return false;
    }

    /** Drops the TCP connection without DISCONNECT (an ungraceful close for the broker). */
    @Override
    public void close() throws IOException {
        socket.close();
        Object m;
        while ((m = decoder.readInbound()) != null) {
            ReferenceCountUtil.release(m);
        }
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
    }
}
