/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.wire;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Builds the server's control packets for either protocol version. */
public final class Packets {

    public static final MqttMessage PINGRESP =
            new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0));

    private Packets() {}

    /** Bytes of {@link #writeSuccessReply}. */
    public static final int SUCCESS_REPLY_BYTES = 4;

    /**
     * Appends a PUBACK, PUBREC or PUBCOMP of reason Success without properties to {@code out}, the same 4 bytes
     * the encoder makes of {@link #pubReply} for either protocol version (MQTT 5 section 3.4.2.1: reason code and
     * property length may be left out when the reason is Success and there are no properties). Many of them go
     * out in one buffer, without a message object and an encoder pass each.
     */
    public static void writeSuccessReply(ByteBuf out, MqttMessageType type, int packetId) {
        if (type != MqttMessageType.PUBACK && type != MqttMessageType.PUBREC && type != MqttMessageType.PUBCOMP) {
            throw new IllegalArgumentException("not a PUBACK, PUBREC or PUBCOMP: " + type);
        }
        // One write of the 4 bytes: type, remaining length 2, packet id (big-endian, as MQTT wants).
        out.writeInt(type.value() << 28 | 2 << 16 | packetId & 0xFFFF);
    }

    public static MqttConnAckMessage connAck(byte code, boolean sessionPresent, MqttProperties properties) {
        return new MqttConnAckMessage(
                new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttConnAckVariableHeader(MqttConnectReturnCode.valueOf(code), sessionPresent, properties));
    }

    /** PUBACK, PUBREC, PUBREL or PUBCOMP; the reason code is sent only to MQTT 5 clients. */
    public static MqttMessage pubReply(
            MqttMessageType type, int packetId, boolean mqtt5, byte reason, @Nullable String reasonString) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        MqttFixedHeader fixed = new MqttFixedHeader(type, false, qos, false, 0);
        if (!mqtt5 || (reason == 0 && reasonString == null)) {
            return new MqttMessage(fixed, MqttMessageIdVariableHeader.from(packetId));
        }
        MqttProperties props = new MqttProperties();
        if (reasonString != null) {
            props.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, reasonString));
        }
        return new MqttMessage(fixed, new MqttPubReplyMessageVariableHeader(packetId, reason, props));
    }

    public static MqttSubAckMessage subAck(int packetId, int[] codes) {
        return new MqttSubAckMessage(
                new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(packetId),
                new MqttSubAckPayload(codes));
    }

    public static MqttUnsubAckMessage unsubAck(int packetId, boolean mqtt5, List<Short> codes) {
        MqttFixedHeader fixed = new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0);
        if (!mqtt5) {
            return new MqttUnsubAckMessage(fixed, MqttMessageIdVariableHeader.from(packetId));
        }
        return new MqttUnsubAckMessage(
                fixed,
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttUnsubAckPayload(codes));
    }

    public static MqttMessage disconnect(byte reason, @Nullable String reasonString) {
        MqttProperties props = new MqttProperties();
        if (reasonString != null) {
            props.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, reasonString));
        }
        return new MqttMessage(
                new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttReasonCodeAndPropertiesVariableHeader(reason, props));
    }

    /** AUTH (MQTT 5 only) with the Authentication Method and, if any, Data [MQTT-4.12.0-5]. */
    public static MqttMessage auth(byte reason, String method, byte @Nullable [] data) {
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.StringProperty(MqttProperties.AUTHENTICATION_METHOD, method));
        if (data != null) {
            props.add(new MqttProperties.BinaryProperty(MqttProperties.AUTHENTICATION_DATA, data));
        }
        return new MqttMessage(
                new MqttFixedHeader(MqttMessageType.AUTH, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttReasonCodeAndPropertiesVariableHeader(reason, props));
    }
}
