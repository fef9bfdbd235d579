/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PacketsTest {

    @ParameterizedTest
    @EnumSource(
            value = MqttMessageType.class,
            names = {"PUBACK", "PUBREC", "PUBCOMP"})
    void aSuccessReplyIsTheEncodersBytesForEitherVersion(MqttMessageType type) {
        for (boolean mqtt5 : new boolean[] {false, true}) {
            for (int packetId : new int[] {1, 258, 65_535}) {
                ByteBuf direct = Unpooled.buffer();
                Packets.writeSuccessReply(direct, type, packetId);
                assertThat(direct.readableBytes()).isEqualTo(Packets.SUCCESS_REPLY_BYTES);
                assertThat(ByteBufUtil.hexDump(direct))
                        .isEqualTo(encoded(type, packetId, mqtt5))
                        .as("%s %d mqtt5=%s", type, packetId, mqtt5);
            }
        }
    }

    @Test
    void onlyPublishRepliesWithoutAFlagAreWrittenThatWay() {
        assertThatThrownBy(() -> Packets.writeSuccessReply(Unpooled.buffer(), MqttMessageType.PUBREL, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String encoded(MqttMessageType type, int packetId, boolean mqtt5) {
        EmbeddedChannel channel = new EmbeddedChannel(MqttEncoder.INSTANCE);
        channel.writeOutbound(Packets.pubReply(type, packetId, mqtt5, ReasonCodes.SUCCESS, null));
        ByteBuf out = channel.readOutbound();
        String hex = ByteBufUtil.hexDump(out);
        out.release();
        channel.finishAndReleaseAll();
        return hex;
    }
}
