/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.testing.RawMqttClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Byte-level subscriber helpers for the delivery tests: packets in, plain values out (buffers released). */
final class SubscriberPackets {

    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private SubscriberPackets() {}

    /** A PUBLISH as the subscriber saw it. */
    record Received(
            String topic,
            String payload,
            int qos,
            boolean dup,
            boolean retain,
            int packetId,
            List<Integer> subscriptionIds) {}

    /** A packet the broker sent: a PUBLISH (as {@link Received}) or any other type. */
    record Packet(
            MqttMessageType type, int packetId, @Nullable Received publish, List<Integer> codes) {}

    static RawMqttClient connect(
            int port,
            MqttVersion version,
            String clientId,
            boolean clean,
            MqttProperties props,
            boolean expectSessionPresent)
            throws IOException {
        RawMqttClient client = new RawMqttClient(port, version);
        client.send(MqttMessageBuilders.connect()
                .protocolVersion(version)
                .clientId(clientId)
                .cleanSession(clean)
                .keepAlive(60)
                .properties(props)
                .build());
        MqttMessage m = client.read(TIMEOUT);
        assertThat(m).as("CONNACK").isInstanceOf(MqttConnAckMessage.class);
        MqttConnAckMessage ack = (MqttConnAckMessage) m;
        assertThat(ack.variableHeader().connectReturnCode().byteValue()).isZero();
        assertThat(ack.variableHeader().isSessionPresent())
                .as("session present")
                .isEqualTo(expectSessionPresent);
        return client;
    }

    static RawMqttClient connect(
            int port, MqttVersion version, String clientId, boolean clean, boolean expectSessionPresent)
            throws IOException {
        return connect(port, version, clientId, clean, MqttProperties.NO_PROPERTIES, expectSessionPresent);
    }

    /** Sends SUBSCRIBE and returns the SUBACK codes. */
    static List<Integer> subscribe(
            RawMqttClient client, int packetId, MqttProperties props, MqttQoS qos, String... filters)
            throws IOException {
        return subscribe(client, packetId, props, qos, TIMEOUT, filters);
    }

    /** Sends SUBSCRIBE and returns the SUBACK codes, waiting up to {@code timeout} for them. */
    static List<Integer> subscribe(
            RawMqttClient client, int packetId, MqttProperties props, MqttQoS qos, Duration timeout, String... filters)
            throws IOException {
        MqttMessageBuilders.SubscribeBuilder b =
                MqttMessageBuilders.subscribe().messageId(packetId).properties(props);
        for (String f : filters) {
            b.addSubscription(qos, f);
        }
        client.send(b.build());
        Packet p = next(client, timeout);
        assertThat(p).as("SUBACK").isNotNull();
        assertThat(p.type()).isEqualTo(MqttMessageType.SUBACK);
        assertThat(p.packetId()).isEqualTo(packetId);
        return p.codes();
    }

    static List<Integer> subscribe(RawMqttClient client, int packetId, MqttQoS qos, String... filters)
            throws IOException {
        return subscribe(client, packetId, MqttProperties.NO_PROPERTIES, qos, filters);
    }

    static MqttProperties subscriptionId(int id) {
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.IntegerProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER, id));
        return props;
    }

    /** The next packet, converted and released; null when none arrives in time. */
    static @Nullable Packet next(RawMqttClient client, Duration timeout) throws IOException {
        MqttMessage m = client.read(timeout);
        if (m == null) {
            return null;
        }
        try {
            MqttMessageType type = m.fixedHeader().messageType();
            if (m instanceof MqttPublishMessage p) {
                List<Integer> ids = new ArrayList<>();
                for (MqttProperties.MqttProperty<?> prop :
                        p.variableHeader().properties().getProperties(MqttProperties.SUBSCRIPTION_IDENTIFIER)) {
                    ids.add((Integer) prop.value());
                }
                Received r = new Received(
                        p.variableHeader().topicName(),
                        new String(ByteBufUtil.getBytes(p.payload()), StandardCharsets.UTF_8),
                        p.fixedHeader().qosLevel().value(),
                        p.fixedHeader().isDup(),
                        p.fixedHeader().isRetain(),
                        p.variableHeader().packetId(),
                        ids);
                return new Packet(type, r.packetId(), r, List.of());
            }
            if (m instanceof MqttSubAckMessage s) {
                return new Packet(
                        type, s.variableHeader().messageId(), null, s.payload().reasonCodes());
            }
            if (m instanceof MqttUnsubAckMessage u) {
                List<Integer> codes = new ArrayList<>();
                if (u.payload() != null) {
                    u.payload().unsubscribeReasonCodes().forEach(c -> codes.add(c & 0xFF));
                }
                return new Packet(type, u.variableHeader().messageId(), null, codes);
            }
            Object h = m.variableHeader();
            int id = h instanceof MqttPubReplyMessageVariableHeader r
                    ? r.messageId()
                    : h instanceof MqttMessageIdVariableHeader i ? i.messageId() : -1;
            return new Packet(type, id, null, List.of());
        } finally {
            ReferenceCountUtil.release(m);
        }
    }

    /** The next packet, which must be a PUBLISH. */
    static Received nextPublish(RawMqttClient client) throws IOException {
        Packet p = next(client, TIMEOUT);
        assertThat(p).as("PUBLISH").isNotNull();
        assertThat(p.type()).isEqualTo(MqttMessageType.PUBLISH);
        return p.publish();
    }

    /**
     * Receives {@code count} PUBLISH packets in wire order, acknowledging each as a well-behaved client does
     * (PUBACK; PUBREC and, on PUBREL, PUBCOMP).
     */
    static List<Received> receive(RawMqttClient client, int count) throws IOException {
        List<Received> received = new ArrayList<>();
        while (received.size() < count) {
            Packet p = next(client, TIMEOUT);
            assertThat(p).as("packet after %s publishes", received.size()).isNotNull();
            switch (p.type()) {
                case PUBLISH -> {
                    received.add(p.publish());
                    if (p.publish().qos() == 1) {
                        ack(client, MqttMessageType.PUBACK, p.packetId());
                    } else if (p.publish().qos() == 2) {
                        ack(client, MqttMessageType.PUBREC, p.packetId());
                    }
                }
                case PUBREL -> ack(client, MqttMessageType.PUBCOMP, p.packetId());
                default -> {}
            }
        }
        return received;
    }

    static void ack(RawMqttClient client, MqttMessageType type, int packetId) throws IOException {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        client.send(new MqttMessage(
                new MqttFixedHeader(type, false, qos, false, 0), MqttMessageIdVariableHeader.from(packetId)));
    }
}
