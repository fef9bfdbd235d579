/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.wire;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.tributary.mqtt.message.MessageProperties;
import io.tributary.mqtt.message.MessageProperties.UserProperty;
import java.util.ArrayList;
import java.util.List;

/** Converts between Netty's MQTT 5 properties and the broker's {@link MessageProperties}. */
public final class PropertiesMapper {

    private PropertiesMapper() {}

    public static MessageProperties fromPublish(MqttProperties props, long nowMillis) {
        if (props == null || props.isEmpty()) {
            return MessageProperties.NONE;
        }
        Integer format = intValue(props, MqttProperties.PAYLOAD_FORMAT_INDICATOR);
        Integer expiry = intValue(props, MqttProperties.PUBLICATION_EXPIRY_INTERVAL);
        String contentType = stringValue(props, MqttProperties.CONTENT_TYPE);
        String responseTopic = stringValue(props, MqttProperties.RESPONSE_TOPIC);
        MqttProperties.MqttProperty<?> corr = props.getProperty(MqttProperties.CORRELATION_DATA);
        List<UserProperty> users = new ArrayList<>();
        for (MqttProperties.MqttProperty<?> p : props.getProperties(MqttProperties.USER_PROPERTY)) {
            if (p instanceof MqttProperties.UserProperties list) {
                for (MqttProperties.StringPair pair : list.value()) {
                    users.add(new UserProperty(pair.key, pair.value));
                }
            } else if (p instanceof MqttProperties.UserProperty one) {
                users.add(new UserProperty(one.value().key, one.value().value));
            }
        }
        long expiresAt = expiry == null ? 0 : nowMillis + (expiry & 0xFFFFFFFFL) * 1000;
        return new MessageProperties(
                format != null && format == 1,
                contentType,
                expiresAt,
                responseTopic,
                corr == null ? null : (byte[]) corr.value(),
                users.isEmpty() ? List.of() : users);
    }

    /** Properties of an outbound PUBLISH; {@code topicAlias} 0 means none. */
    public static MqttProperties toPublish(MessageProperties p, int[] subscriptionIds, int topicAlias, long nowMillis) {
        if (p.isEmpty() && subscriptionIds.length == 0 && topicAlias == 0) {
            return MqttProperties.NO_PROPERTIES;
        }
        MqttProperties props = new MqttProperties();
        if (topicAlias != 0) {
            props.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS, topicAlias));
        }
        if (p.payloadUtf8()) {
            props.add(new MqttProperties.IntegerProperty(MqttProperties.PAYLOAD_FORMAT_INDICATOR, 1));
        }
        if (p.expiresAtMillis() != 0) {
            // The remaining lifetime is forwarded, rounded up so it never reaches zero early [MQTT-3.3.2-6].
            long remaining = Math.max(1, (p.expiresAtMillis() - nowMillis + 999) / 1000);
            props.add(new MqttProperties.IntegerProperty(MqttProperties.PUBLICATION_EXPIRY_INTERVAL, (int) remaining));
        }
        if (p.contentType() != null) {
            props.add(new MqttProperties.StringProperty(MqttProperties.CONTENT_TYPE, p.contentType()));
        }
        if (p.responseTopic() != null) {
            props.add(new MqttProperties.StringProperty(MqttProperties.RESPONSE_TOPIC, p.responseTopic()));
        }
        if (p.correlationData() != null) {
            props.add(new MqttProperties.BinaryProperty(MqttProperties.CORRELATION_DATA, p.correlationData()));
        }
        if (!p.userProperties().isEmpty()) {
            MqttProperties.UserProperties users = new MqttProperties.UserProperties();
            for (UserProperty u : p.userProperties()) {
                users.add(u.name(), u.value());
            }
            props.add(users);
        }
        for (int id : subscriptionIds) {
            props.add(new MqttProperties.IntegerProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER, id));
        }
        return props;
    }

    public static Integer intValue(MqttProperties props, int id) {
        MqttProperties.MqttProperty<?> p = props == null ? null : props.getProperty(id);
        return p == null ? null : (Integer) p.value();
    }

    public static String stringValue(MqttProperties props, int id) {
        MqttProperties.MqttProperty<?> p = props == null ? null : props.getProperty(id);
        return p == null ? null : (String) p.value();
    }
}
