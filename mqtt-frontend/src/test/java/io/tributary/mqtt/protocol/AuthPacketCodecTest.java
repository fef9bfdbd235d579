/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.tributary.mqtt.wire.Packets;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Netty's MQTT codec writes and reads the AUTH packet (MQTT 5 section 3.15) that enhanced auth relies on. */
class AuthPacketCodecTest {

    private static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private final EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
    private final EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder());

    AuthPacketCodecTest() {
        encoder.attr(VERSION).set(MqttVersion.MQTT_5);
        decoder.attr(VERSION).set(MqttVersion.MQTT_5);
    }

    @AfterEach
    void nothingLeft() {
        assertThat(encoder.finishAndReleaseAll()).isFalse();
        assertThat(decoder.finishAndReleaseAll()).isFalse();
    }

    private MqttMessage roundTrip(MqttMessage m, int expectedFirstByte) {
        assertThat(encoder.writeOutbound(m)).isTrue();
        ByteBuf bytes = encoder.readOutbound();
        assertThat((int) bytes.getUnsignedByte(0)).isEqualTo(expectedFirstByte);
        assertThat(decoder.writeInbound(bytes)).isTrue();
        MqttMessage back = decoder.readInbound();
        assertThat(back.decoderResult().isSuccess()).isTrue();
        return back;
    }

    @Test
    void continueAuthenticationWithMethodAndDataRoundTrips() {
        byte[] data = "r=abc,s=c2FsdA==,i=4096".getBytes(StandardCharsets.UTF_8);
        MqttMessage back = roundTrip(Packets.auth((byte) 0x18, "SCRAM-SHA-256", data), 0xF0);
        assertThat(back.fixedHeader().messageType()).isEqualTo(MqttMessageType.AUTH);
        var header = (MqttReasonCodeAndPropertiesVariableHeader) back.variableHeader();
        assertThat(header.reasonCode()).isEqualTo((byte) 0x18);
        assertThat(header.properties()
                        .getProperty(MqttProperties.AUTHENTICATION_METHOD)
                        .value())
                .isEqualTo("SCRAM-SHA-256");
        assertThat((byte[]) header.properties()
                        .getProperty(MqttProperties.AUTHENTICATION_DATA)
                        .value())
                .isEqualTo(data);
    }

    @Test
    void successWithoutDataRoundTrips() {
        MqttMessage back = roundTrip(Packets.auth((byte) 0x00, "SCRAM-SHA-256", null), 0xF0);
        var header = (MqttReasonCodeAndPropertiesVariableHeader) back.variableHeader();
        assertThat(header.reasonCode()).isEqualTo((byte) 0x00);
        assertThat(header.properties()
                        .getProperty(MqttProperties.AUTHENTICATION_METHOD)
                        .value())
                .isEqualTo("SCRAM-SHA-256");
        assertThat(header.properties().getProperty(MqttProperties.AUTHENTICATION_DATA))
                .isNull();
    }

    @Test
    void reAuthenticateFromTheClientRoundTrips() {
        MqttMessage back = roundTrip(Packets.auth((byte) 0x19, "SCRAM-SHA-256", new byte[] {1, 2, 3}), 0xF0);
        assertThat(((MqttReasonCodeAndPropertiesVariableHeader) back.variableHeader()).reasonCode())
                .isEqualTo((byte) 0x19);
    }
}
