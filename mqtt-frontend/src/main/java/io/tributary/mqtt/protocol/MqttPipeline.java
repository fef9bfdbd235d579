/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.tributary.mqtt.limits.ConnectionAdmission;
import io.tributary.mqtt.limits.NodeLimits;
import io.tributary.mqtt.metrics.BrokerMetrics;
import java.util.function.Supplier;

/**
 * The one place that builds an MQTT connection's pipeline. Before CONNECT: packet check, decoder, decoded
 * count (the packet check's other half), decoder-failure
 * handler, encoder, admission (connection limits, leaves after CONNECT), connect gate. After CONNECT: the gate is replaced by the session handler, which
 * also watches the keep alive when the client asked for one (no handler of its own: see KeepAliveWatch).
 */
public final class MqttPipeline extends ChannelInitializer<SocketChannel> {

    public static final String PACKET_CHECK = "mqtt-packet-check";
    public static final String DECODER = "mqtt-decoder";
    public static final String DECODED_COUNT = "mqtt-decoded-count";
    public static final String DECODER_FAILURE = "mqtt-decoder-failure";
    public static final String ENCODER = "mqtt-encoder";
    public static final String ADMISSION = "admission";
    public static final String CONNECT_GATE = "connect-gate";
    public static final String SESSION = "session";
    // In front of the decoder on the TLS and WebSocket listeners only (ListenerTransport).
    public static final String TLS = "tls";
    public static final String TLS_HANDSHAKE_LOG = "tls-handshake-log";
    public static final String HTTP_CODEC = "http-codec";
    public static final String HTTP_AGGREGATOR = "http-aggregator";
    public static final String WS_UPGRADE_CHECK = "ws-upgrade-check";
    public static final String WS_PROTOCOL = "ws-protocol";
    public static final String WS_FRAMES = "ws-frames";

    /** Makes the connect gate of a new connection, under the limits in force when it was accepted. */
    @FunctionalInterface
    public interface Gates {
        ConnectGate forConnection(NodeLimits limits);
    }

    private final ProtocolSettings settings;
    private final Supplier<NodeLimits> limitsInForce;
    private final BrokerMetrics metrics;
    private final Gates gates;

    /** @param limitsInForce the node's own limits, or the cluster's dynamic settings; read once per connection */
    public MqttPipeline(
            ProtocolSettings settings, Supplier<NodeLimits> limitsInForce, BrokerMetrics metrics, Gates gates) {
        this.settings = settings;
        this.limitsInForce = limitsInForce;
        this.metrics = metrics;
        this.gates = gates;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        install(ch.pipeline());
    }

    /** Installs the handlers of a new connection; tests call it on an {@code EmbeddedChannel}'s pipeline. */
    public void install(ChannelPipeline pipeline) {
        NodeLimits limits = limitsInForce.get();
        PacketBoundaryCheck packetCheck = new PacketBoundaryCheck(settings.maxPacketSize());
        pipeline.addLast(PACKET_CHECK, packetCheck)
                .addLast(DECODER, new MqttDecoder(settings.maxPacketSize(), settings.maxClientIdLength()))
                .addLast(DECODED_COUNT, packetCheck.decoded())
                .addLast(DECODER_FAILURE, new DecoderFailureHandler(metrics, settings.maxPacketSize()))
                .addLast(ENCODER, MqttEncoder.INSTANCE)
                .addLast(ADMISSION, new ConnectionAdmission(limits.maxConnections(), limits.connectRate(), metrics))
                .addLast(CONNECT_GATE, gates.forConnection(limits));
    }

    /**
     * Installs the handlers of a new connection of a TLS or WebSocket listener: TLS, then the WebSocket upgrade
     * and frames, then the MQTT handlers of {@link #install(ChannelPipeline)}.
     */
    public void install(ChannelPipeline pipeline, ListenerTransport transport) {
        if (transport.tls() != null) {
            // The context in force now: a reloaded certificate serves the handshakes that start after the reload.
            pipeline.addLast(
                            TLS,
                            transport.tls().get().newHandler(pipeline.channel().alloc()))
                    .addLast(TLS_HANDSHAKE_LOG, new TlsHandshakeLog(metrics));
        }
        ListenerTransport.WebSocket ws = transport.webSocket();
        if (ws != null) {
            // A frame may carry several packets: room for more than one packet of the largest size.
            int maxFrame = (int) Math.min(Integer.MAX_VALUE, 2L * settings.maxPacketSize() + 16);
            pipeline.addLast(HTTP_CODEC, new HttpServerCodec())
                    .addLast(HTTP_AGGREGATOR, new HttpObjectAggregator(8192))
                    .addLast(WS_UPGRADE_CHECK, new WebSocketUpgradeCheck(ws))
                    .addLast(
                            WS_PROTOCOL,
                            new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                    .websocketPath(ws.path())
                                    .checkStartsWith(true) // /mqtt?token=... too (WebSocketUpgradeCheck 404s /mqttx)
                                    .subprotocols(WebSocketUpgradeCheck.SUBPROTOCOLS)
                                    .maxFramePayloadLength(maxFrame)
                                    .handshakeTimeoutMillis(settings.connectTimeoutMs())
                                    .build()))
                    .addLast(WS_FRAMES, new WebSocketFrameCodec());
        }
        install(pipeline);
    }

    /** Switches a connection to its established state. */
    public static void established(ChannelPipeline pipeline, SessionHandler handler, int keepAliveSeconds) {
        if (keepAliveSeconds > 0) {
            // The server closes a connection silent for one and a half keep-alive periods [MQTT-3.1.2-24].
            handler.watchKeepAlive(keepAliveSeconds * 1500L);
        }
        pipeline.replace(CONNECT_GATE, SESSION, handler);
    }
}
