/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.tributary.mqtt.limits.ConnectionAdmission;
import java.util.concurrent.TimeUnit;

/**
 * The one place that builds an MQTT connection's pipeline. Before CONNECT: decoder, decoder-failure
 * handler, encoder, admission (connection limits, leaves after CONNECT), connect gate. After CONNECT: the gate is replaced by the session handler, preceded by a
 * keep-alive watchdog when the client asked for one.
 */
public final class MqttPipeline extends ChannelInitializer<SocketChannel> {

    public static final String DECODER = "mqtt-decoder";
    public static final String DECODER_FAILURE = "mqtt-decoder-failure";
    public static final String ENCODER = "mqtt-encoder";
    public static final String ADMISSION = "admission";
    public static final String CONNECT_GATE = "connect-gate";
    public static final String KEEP_ALIVE = "keep-alive";
    public static final String SESSION = "session";

    private final NodeServices node;

    public MqttPipeline(NodeServices node) {
        this.node = node;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast(DECODER, new MqttDecoder(node.maxPacketSize(), node.maxClientIdLength()))
                .addLast(DECODER_FAILURE, new DecoderFailureHandler(node.metrics()))
                .addLast(ENCODER, MqttEncoder.INSTANCE)
                .addLast(
                        ADMISSION,
                        new ConnectionAdmission(
                                node.limits().maxConnections(), node.limits().connectRate(), node.metrics()))
                .addLast(CONNECT_GATE, new ConnectGate(node));
    }

    /** Switches a connection to its established state. */
    public static void established(ChannelPipeline pipeline, SessionHandler handler, int keepAliveSeconds) {
        pipeline.replace(CONNECT_GATE, SESSION, handler);
        if (keepAliveSeconds > 0) {
            // The server closes a connection silent for one and a half keep-alive periods [MQTT-3.1.2-24].
            long millis = keepAliveSeconds * 1500L;
            pipeline.addBefore(SESSION, KEEP_ALIVE, new IdleStateHandler(millis, 0, 0, TimeUnit.MILLISECONDS));
        }
    }
}
