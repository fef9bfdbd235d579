/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.nio.charset.StandardCharsets;

/** The packets a scenario's client sends. */
final class ClientPackets {

    static final MqttVersion V3 = MqttVersion.MQTT_3_1_1;
    static final MqttVersion V5 = MqttVersion.MQTT_5;

    private ClientPackets() {}

    static MqttMessageBuilders.ConnectBuilder connect(MqttVersion version, String clientId, boolean cleanStart) {
        return MqttMessageBuilders.connect()
                .protocolVersion(version)
                .clientId(clientId)
                .cleanSession(cleanStart)
                .keepAlive(0);
    }

    static MqttProperties props(MqttProperties.MqttProperty<?>... values) {
        MqttProperties props = new MqttProperties();
        for (MqttProperties.MqttProperty<?> p : values) {
            props.add(p);
        }
        return props;
    }

    static MqttProperties.IntegerProperty intProp(int id, int value) {
        return new MqttProperties.IntegerProperty(id, value);
    }

    static MqttPublishMessage publish(String topic, String payload, int qos, int packetId) {
        return publish(topic, payload, qos, packetId, false, MqttProperties.NO_PROPERTIES);
    }

    static MqttPublishMessage publish(
            String topic, String payload, int qos, int packetId, boolean retain, MqttProperties props) {
        return MqttMessageBuilders.publish()
                .topicName(topic)
                .qos(MqttQoS.valueOf(qos))
                .messageId(packetId)
                .retained(retain)
                .properties(props)
                .payload(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8))
                .build();
    }

    static MqttMessage subscribe(int packetId, String filter, int qos) {
        return MqttMessageBuilders.subscribe()
                .messageId(packetId)
                .addSubscription(MqttQoS.valueOf(qos), filter)
                .build();
    }

    /** One SUBSCRIBE of several filters, all at {@code qos}. */
    static MqttMessage subscribeAll(int packetId, int qos, String... filters) {
        var b = MqttMessageBuilders.subscribe().messageId(packetId);
        for (String f : filters) {
            b.addSubscription(MqttQoS.valueOf(qos), f);
        }
        return b.build();
    }

    /** An MQTT 5 SUBSCRIBE of one filter with its options and properties (subscription identifier, say). */
    static MqttMessage subscribe(int packetId, String filter, MqttSubscriptionOption options, MqttProperties props) {
        return MqttMessageBuilders.subscribe()
                .messageId(packetId)
                .properties(props)
                .addSubscription(filter, options)
                .build();
    }

    static MqttSubscriptionOption options(
            int qos, boolean noLocal, boolean retainAsPublished, MqttSubscriptionOption.RetainedHandlingPolicy rh) {
        return new MqttSubscriptionOption(MqttQoS.valueOf(qos), noLocal, retainAsPublished, rh);
    }

    static MqttMessage unsubscribe(int packetId, String filter) {
        return MqttMessageBuilders.unsubscribe()
                .messageId(packetId)
                .addTopicFilter(filter)
                .build();
    }

    /** PUBACK, PUBREC, PUBREL or PUBCOMP. */
    static MqttMessage reply(MqttMessageType type, int packetId) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(
                new MqttFixedHeader(type, false, qos, false, 0),
                new MqttPubReplyMessageVariableHeader(packetId, (byte) 0, MqttProperties.NO_PROPERTIES));
    }

    static MqttMessage disconnect() {
        return MqttMessageBuilders.disconnect().build();
    }

    static MqttMessage pingreq() {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false, MqttQoS.AT_MOST_ONCE, false, 0));
    }

    static MqttMessage auth(int reason, String method, byte[] data) {
        return MqttMessageBuilders.auth()
                .reasonCode((byte) reason)
                .properties(props(
                        new MqttProperties.StringProperty(MqttProperties.AUTHENTICATION_METHOD, method),
                        new MqttProperties.BinaryProperty(MqttProperties.AUTHENTICATION_DATA, data)))
                .build();
    }
}
