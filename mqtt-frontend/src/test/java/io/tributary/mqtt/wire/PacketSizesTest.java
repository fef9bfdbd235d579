/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.tributary.mqtt.message.MessageProperties;
import io.tributary.mqtt.message.MessageProperties.UserProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacketSizesTest {

    private static final long NOW = 1_000_000L;

    @Test
    void publishSizeIsWhatNettysEncoderWritesForEveryShapeOfMessage() {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            String topic = i % 5 == 0 ? "" : text(random, random.nextInt(i % 7 == 0 ? 300 : 40) + 1);
            int qos = random.nextInt(3);
            boolean mqtt5 = random.nextInt(4) != 0;
            MessageProperties props = properties(random);
            int[] subscriptionIds = new int[random.nextInt(3)];
            for (int s = 0; s < subscriptionIds.length; s++) {
                subscriptionIds[s] = 1 + random.nextInt(s == 0 ? 127 : 268_435_455);
            }
            int alias = random.nextBoolean() ? 0 : 1 + random.nextInt(65_535);
            byte[] payload = new byte[random.nextInt(i % 11 == 0 ? 20_000 : 200)];

            long computed = PacketSizes.publish(topic, qos, mqtt5, props, subscriptionIds, alias, payload.length);

            var nettyProps = mqtt5
                    ? PropertiesMapper.toPublish(props, subscriptionIds, alias, NOW)
                    : io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES;
            MqttPublishMessage publish = new MqttPublishMessage(
                    new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.valueOf(qos), false, 0),
                    new MqttPublishVariableHeader(topic, qos == 0 ? -1 : 1 + random.nextInt(65_535), nettyProps),
                    Unpooled.wrappedBuffer(payload));
            assertThat(computed)
                    .as("case %d: topic %d chars, qos %d, mqtt5 %s, %s", i, topic.length(), qos, mqtt5, props)
                    .isEqualTo(encodedSize(mqtt5, publish));
        }
    }

    @Test
    void theIssuesExampleIsFiftySixBytes() {
        // 32-byte payload on client_test5/TopicA at QoS 0, MQTT 5, no properties: fits a 64-byte maximum.
        long size = PacketSizes.publish("client_test5/TopicA", 0, true, MessageProperties.NONE, new int[0], 0, 32);
        assertThat(size).isEqualTo(56);
        assertThat(PacketSizes.fits(size, 64)).isTrue();
        assertThat(PacketSizes.fits(size, 55)).isFalse();
        assertThat(PacketSizes.fits(size, 0)).as("0: the client set no maximum").isTrue();
    }

    @Test
    void replySizesAreWhatNettysEncoderWrites() {
        String why = "not authorized to publish to this topic";
        assertThat(PacketSizes.pubReply(why))
                .isEqualTo(encodedSize(true, Packets.pubReply(MqttMessageType.PUBACK, 7, true, (byte) 0x87, why)));
        assertThat(PacketSizes.disconnect(why)).isEqualTo(encodedSize(true, Packets.disconnect((byte) 0x82, why)));
        assertThat(PacketSizes.pubReply("é".repeat(200)))
                .isEqualTo(encodedSize(
                        true, Packets.pubReply(MqttMessageType.PUBREC, 9, true, (byte) 0x80, "é".repeat(200))));
    }

    private static MessageProperties properties(Random random) {
        if (random.nextInt(3) == 0) {
            return MessageProperties.NONE;
        }
        List<UserProperty> users = new ArrayList<>();
        for (int u = random.nextInt(4); u > 0; u--) {
            users.add(new UserProperty(text(random, random.nextInt(10)), text(random, random.nextInt(30))));
        }
        return new MessageProperties(
                random.nextBoolean(),
                random.nextBoolean() ? text(random, random.nextInt(20)) : null,
                random.nextBoolean() ? NOW + random.nextInt(1_000_000) : 0,
                random.nextBoolean() ? text(random, random.nextInt(20) + 1) : null,
                random.nextBoolean() ? new byte[random.nextInt(50)] : null,
                users);
    }

    /** ASCII and multi-byte characters (2, 3 and 4 bytes in UTF-8). */
    private static String text(Random random, int length) {
        String[] pieces = {"a", "/", "Z", "é", "€", "😀"};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(pieces[random.nextInt(pieces.length)]);
        }
        return b.toString();
    }

    private static long encodedSize(boolean mqtt5, MqttMessage message) {
        EmbeddedChannel channel = new EmbeddedChannel(MqttEncoder.INSTANCE);
        channel.attr(AttributeKey.<MqttVersion>valueOf("NETTY_CODEC_MQTT_VERSION"))
                .set(mqtt5 ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1);
        channel.writeOutbound(message);
        long size = 0;
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            size += b.readableBytes();
            b.release();
        }
        channel.finishAndReleaseAll();
        return size;
    }
}
