/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.wire;

import io.netty.buffer.ByteBufUtil;
import io.tributary.mqtt.message.MessageProperties;
import io.tributary.mqtt.message.MessageProperties.UserProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The exact encoded sizes of the packets the server sends, computed from the values they will be built from,
 * so a packet over the client's Maximum Packet Size is never sent [MQTT-3.1.2-24] and nothing that fits is
 * dropped. The PUBLISH size mirrors {@link PropertiesMapper#toPublish} and Netty's encoder (checked against it
 * by {@code PacketSizesTest}). No allocation: it runs for every message sent to a client with a limit.
 */
public final class PacketSizes {

    /** One property identifier (all identifiers used here are below 128: one byte). */
    private static final int ID = 1;

    private PacketSizes() {}

    /**
     * Bytes of an outbound PUBLISH, fixed header included.
     *
     * @param topic the topic name as written: empty when only a topic alias is sent
     * @param topicAlias the Topic Alias property, 0 for none
     */
    public static long publish(
            String topic,
            int qos,
            boolean mqtt5,
            MessageProperties p,
            int[] subscriptionIds,
            int topicAlias,
            int payloadLength) {
        long variable = 2L + ByteBufUtil.utf8Bytes(topic) + (qos > 0 ? 2 : 0);
        if (mqtt5) {
            long props = publishProperties(p, subscriptionIds, topicAlias);
            variable += variableByteIntegerSize(props) + props;
        }
        return withFixedHeader(variable + payloadLength);
    }

    private static long publishProperties(MessageProperties p, int[] subscriptionIds, int topicAlias) {
        long size = 0;
        if (topicAlias != 0) {
            size += ID + 2;
        }
        if (p.payloadUtf8()) {
            size += ID + 1;
        }
        if (p.expiresAtMillis() != 0) {
            size += ID + 4;
        }
        size += string(p.contentType()) + string(p.responseTopic());
        if (p.correlationData() != null) {
            size += ID + 2 + p.correlationData().length;
        }
        List<UserProperty> users = p.userProperties();
        for (int i = 0; i < users.size(); i++) { // indexed: no iterator on the hot path
            UserProperty u = users.get(i);
            size += ID + 2 + ByteBufUtil.utf8Bytes(u.name()) + 2 + ByteBufUtil.utf8Bytes(u.value());
        }
        for (int id : subscriptionIds) {
            size += ID + variableByteIntegerSize(id);
        }
        return size;
    }

    /** Bytes of an MQTT 5 PUBACK / PUBREC / PUBREL / PUBCOMP with a reason code and, if any, a Reason String. */
    public static long pubReply(@Nullable String reasonString) {
        long props = string(reasonString);
        return withFixedHeader(2 + 1 + variableByteIntegerSize(props) + props);
    }

    /** Bytes of an MQTT 5 DISCONNECT with a reason code and, if any, a Reason String. */
    public static long disconnect(@Nullable String reasonString) {
        long props = string(reasonString);
        return withFixedHeader(1 + variableByteIntegerSize(props) + props);
    }

    /** True when a packet of {@code size} bytes may go to a client whose Maximum Packet Size is {@code max}. */
    public static boolean fits(long size, int clientMaximum) {
        return clientMaximum <= 0 || size <= clientMaximum;
    }

    private static long string(@Nullable String value) {
        return value == null ? 0 : ID + 2 + ByteBufUtil.utf8Bytes(value);
    }

    private static long withFixedHeader(long remainingLength) {
        return 1 + variableByteIntegerSize(remainingLength) + remainingLength;
    }

    /** Bytes of a Variable Byte Integer (MQTT 5 section 1.5.5). */
    static int variableByteIntegerSize(long value) {
        if (value < 128) {
            return 1;
        }
        if (value < 16_384) {
            return 2;
        }
        return value < 2_097_152 ? 3 : 4;
    }
}
