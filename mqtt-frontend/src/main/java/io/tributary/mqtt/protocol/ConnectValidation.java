/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import io.tributary.mqtt.message.Will;
import io.tributary.mqtt.session.SessionState;
import io.tributary.mqtt.topic.TopicName;
import io.tributary.mqtt.wire.PropertiesMapper;
import io.tributary.mqtt.wire.ReasonCodes;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The checks of a CONNECT that need nothing but the packet: client id, MQTT 5 limits and flags, the will.
 * The answer is a value ({@link Accepted} or {@link Refused}); the connect gate acts on it. Establishing the
 * session (authentication, take-over, CONNACK) is the gate's part.
 */
final class ConnectValidation {

    private ConnectValidation() {}

    sealed interface Outcome permits Accepted, Refused {}

    /**
     * A CONNECT that may go on to authentication.
     *
     * @param assignedId     the server assigned the client id (MQTT 5, empty id) [MQTT-3.1.3-6]
     * @param receiveMaximum the client's Receive Maximum (65,535 when absent)
     * @param maxPacketSize  the client's Maximum Packet Size, or null when it sets none
     */
    record Accepted(
            String clientId,
            boolean assignedId,
            int level,
            boolean cleanStart,
            long expirySeconds,
            @Nullable Will will,
            int receiveMaximum,
            @Nullable Integer maxPacketSize,
            MqttProperties properties)
            implements Outcome {
        boolean v5() {
            return level == 5;
        }
    }

    /**
     * A CONNECT refused with a CONNACK code; a {@code violation} breaks the protocol (counted, and an MQTT 3.1.1
     * client, which has no return code for it, is just disconnected).
     */
    record Refused(boolean v5, byte code, String why, boolean violation) implements Outcome {}

    static Outcome validate(MqttConnectMessage connect, int maxClientIdLength, Supplier<String> clientIds) {
        MqttConnectVariableHeader header = connect.variableHeader();
        MqttConnectPayload payload = connect.payload();
        boolean v5 = header.version() == 5;
        MqttProperties props = header.properties();
        boolean cleanStart = header.isCleanSession();
        String clientId = payload.clientIdentifier() == null ? "" : payload.clientIdentifier();
        boolean assigned = false;
        if (clientId.isEmpty()) {
            if (!v5 && !cleanStart) {
                return new Refused(
                        false,
                        ReasonCodes.V3_IDENTIFIER_REJECTED,
                        "empty client id needs clean session [MQTT-3.1.3-8]",
                        false);
            }
            clientId = clientIds.get();
            assigned = v5;
        }
        if (clientId.length() > maxClientIdLength) {
            byte code = v5 ? ReasonCodes.CLIENT_IDENTIFIER_NOT_VALID : ReasonCodes.V3_IDENTIFIER_REJECTED;
            return new Refused(v5, code, "client id longer than " + maxClientIdLength, false);
        }
        Integer receiveMax = v5 ? PropertiesMapper.intValue(props, MqttProperties.RECEIVE_MAXIMUM) : null;
        Integer maxPacket = v5 ? PropertiesMapper.intValue(props, MqttProperties.MAXIMUM_PACKET_SIZE) : null;
        if ((receiveMax != null && receiveMax == 0) || (maxPacket != null && maxPacket == 0)) {
            // MQTT 5 sections 3.1.2.11.3 and 3.1.2.11.4: a value of 0 is a Protocol Error.
            return new Refused(v5, ReasonCodes.PROTOCOL_ERROR, "Receive Maximum / Maximum Packet Size of 0", false);
        }
        String badFlags = v5 ? ConnectPolicy.invalidRequestFlags(props) : null;
        if (badFlags != null) {
            return new Refused(true, ReasonCodes.PROTOCOL_ERROR, badFlags, true);
        }
        String malformedWill = malformedWill(header);
        if (malformedWill != null) {
            return new Refused(v5, ReasonCodes.MALFORMED_PACKET, malformedWill, true);
        }
        Will will = null;
        if (header.isWillFlag()) {
            String invalid =
                    payload.willTopic() == null ? "missing will topic" : TopicName.invalidReason(payload.willTopic());
            if (invalid != null) {
                return new Refused(v5, ReasonCodes.TOPIC_NAME_INVALID, "invalid will topic: " + invalid, true);
            }
            will = willOf(header, payload, clientId, v5);
        }
        long expiry;
        if (v5) {
            Integer e = PropertiesMapper.intValue(props, MqttProperties.SESSION_EXPIRY_INTERVAL);
            expiry = e == null ? 0 : e & 0xFFFFFFFFL;
        } else {
            expiry = cleanStart ? 0 : SessionState.NEVER_EXPIRES;
        }
        return new Accepted(
                clientId,
                assigned,
                header.version(),
                cleanStart,
                expiry,
                will,
                receiveMax == null ? 65535 : receiveMax,
                maxPacket,
                props);
    }

    /** Why the will fields of a CONNECT are malformed, or null (MQTT 3.1.1 numbering; MQTT 5: -11 to -13). */
    private static @Nullable String malformedWill(MqttConnectVariableHeader header) {
        if (!header.isWillFlag()) {
            return header.willQos() != 0 || header.isWillRetain()
                    ? "will QoS or will retain without a will [MQTT-3.1.2-13] [MQTT-3.1.2-15]"
                    : null;
        }
        return header.willQos() > 2 ? "will QoS 3 [MQTT-3.1.2-14]" : null;
    }

    private static Will willOf(
            MqttConnectVariableHeader header, MqttConnectPayload payload, String clientId, boolean v5) {
        MqttProperties willProps = payload.willProperties();
        // A will's Message Expiry Interval counts from its publication (MQTT 5 section 3.1.3.2.4), not from
        // CONNECT: kept as a lifetime here (now = 0), made a deadline by WillPublisher when it publishes.
        Message message = new Message(
                payload.willTopic(),
                payload.willMessageInBytes() == null ? new byte[0] : payload.willMessageInBytes(),
                header.willQos(),
                header.isWillRetain(),
                clientId,
                v5 ? PropertiesMapper.fromPublish(willProps, 0) : MessageProperties.NONE);
        Integer delay = v5 ? PropertiesMapper.intValue(willProps, MqttProperties.WILL_DELAY_INTERVAL) : null;
        return new Will(message, delay == null ? 0 : delay & 0xFFFFFFFFL);
    }
}
