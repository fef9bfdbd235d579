/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Valid encodings of every packet type a client sends, for each protocol version, and seeded mutations of
 * them (bit flips, byte changes, insertions, deletions, truncation, remaining-length corruption, splicing):
 * the inputs of the decoder fuzz tests. Deterministic for a given seed.
 */
public final class MqttFuzzCorpus {

    private static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    /** A packet stream of one protocol version: a CONNECT, then packets; offsets of each packet's start. */
    public record Stream(MqttVersion version, byte[] bytes, int[] packetStarts) {}

    private final List<Stream> seeds = new ArrayList<>();

    public MqttFuzzCorpus() {
        for (MqttVersion v : new MqttVersion[] {MqttVersion.MQTT_3_1, MqttVersion.MQTT_3_1_1, MqttVersion.MQTT_5}) {
            List<MqttMessage> all = new ArrayList<>();
            // One seed per packet type after a CONNECT, and one with everything.
            for (int i = 0; ; i++) {
                List<MqttMessage> one = packets(v);
                if (i >= one.size()) {
                    break;
                }
                seeds.add(encode(v, List.of(connect(v), one.get(i))));
            }
            all.add(connect(v));
            all.addAll(packets(v));
            seeds.add(encode(v, all));
        }
    }

    public List<Stream> seeds() {
        return seeds;
    }

    /** The packets of a seed after its CONNECT, as an established connection would receive them. */
    public static Stream withoutConnect(Stream s) {
        if (s.packetStarts().length < 2) {
            return new Stream(s.version(), new byte[0], new int[] {0});
        }
        int from = s.packetStarts()[1];
        int[] starts = new int[s.packetStarts().length - 1];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = s.packetStarts()[i + 1] - from;
        }
        return new Stream(s.version(), java.util.Arrays.copyOfRange(s.bytes(), from, s.bytes().length), starts);
    }

    private static MqttMessage connect(MqttVersion v) {
        boolean v5 = v == MqttVersion.MQTT_5;
        MqttProperties props = new MqttProperties();
        MqttProperties willProps = new MqttProperties();
        if (v5) {
            props.add(new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL, 300));
            props.add(new MqttProperties.IntegerProperty(MqttProperties.RECEIVE_MAXIMUM, 20));
            props.add(new MqttProperties.IntegerProperty(MqttProperties.MAXIMUM_PACKET_SIZE, 4096));
            props.add(new MqttProperties.UserProperty("k", "v"));
            willProps.add(new MqttProperties.IntegerProperty(MqttProperties.WILL_DELAY_INTERVAL, 5));
            willProps.add(new MqttProperties.StringProperty(MqttProperties.CONTENT_TYPE, "text/plain"));
        }
        return MqttMessageBuilders.connect()
                .protocolVersion(v)
                .clientId("fuzz")
                .cleanSession(true)
                .keepAlive(30)
                .willFlag(true)
                .willTopic("will/t")
                .willMessage("bye".getBytes(StandardCharsets.UTF_8))
                .willQoS(MqttQoS.AT_LEAST_ONCE)
                .willRetain(true)
                .willProperties(willProps)
                .hasUser(true)
                .username("user")
                .hasPassword(true)
                .password("pw".getBytes(StandardCharsets.UTF_8))
                .properties(props)
                .build();
    }

    /** Fresh messages (the encoder releases them) of every client packet type but CONNECT. */
    private static List<MqttMessage> packets(MqttVersion v) {
        boolean v5 = v == MqttVersion.MQTT_5;
        List<MqttMessage> list = new ArrayList<>();
        for (int qos = 0; qos <= 2; qos++) {
            MqttProperties props = new MqttProperties();
            if (v5) {
                props.add(new MqttProperties.IntegerProperty(MqttProperties.PAYLOAD_FORMAT_INDICATOR, 1));
                props.add(new MqttProperties.IntegerProperty(MqttProperties.PUBLICATION_EXPIRY_INTERVAL, 60));
                props.add(new MqttProperties.StringProperty(MqttProperties.RESPONSE_TOPIC, "reply/to"));
                props.add(new MqttProperties.BinaryProperty(MqttProperties.CORRELATION_DATA, new byte[] {1, 2, 3}));
                props.add(new MqttProperties.UserProperty("a", "b"));
            }
            list.add(MqttMessageBuilders.publish()
                    .topicName("fuzz/topic/" + qos)
                    .qos(MqttQoS.valueOf(qos))
                    .retained(qos == 1)
                    .messageId(qos == 0 ? -1 : 10 + qos)
                    .properties(props)
                    .payload(Unpooled.copiedBuffer("payload-" + qos, StandardCharsets.UTF_8))
                    .build());
        }
        for (MqttMessageType type : new MqttMessageType[] {
            MqttMessageType.PUBACK, MqttMessageType.PUBREC, MqttMessageType.PUBREL, MqttMessageType.PUBCOMP
        }) {
            MqttProperties props = new MqttProperties();
            if (v5) {
                props.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, "why"));
            }
            MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
            list.add(new MqttMessage(
                    new MqttFixedHeader(type, false, qos, false, 0),
                    new MqttPubReplyMessageVariableHeader(7, v5 ? (byte) 0x10 : 0, props)));
        }
        MqttProperties subProps = new MqttProperties();
        if (v5) {
            subProps.add(new MqttProperties.IntegerProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER, 42));
        }
        list.add(MqttMessageBuilders.subscribe()
                .messageId(3)
                .properties(subProps)
                .addSubscription(
                        "fuzz/+/a",
                        new MqttSubscriptionOption(
                                MqttQoS.AT_LEAST_ONCE,
                                v5,
                                v5,
                                v5
                                        ? MqttSubscriptionOption.RetainedHandlingPolicy
                                                .SEND_AT_SUBSCRIBE_IF_NOT_YET_EXISTS
                                        : MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE))
                .addSubscription(MqttQoS.EXACTLY_ONCE, "fuzz/#")
                .build());
        list.add(MqttMessageBuilders.unsubscribe()
                .messageId(4)
                .addTopicFilter("fuzz/+/a")
                .addTopicFilter("fuzz/#")
                .build());
        list.add(MqttMessage.PINGREQ);
        if (v5) {
            MqttProperties authProps = new MqttProperties();
            authProps.add(new MqttProperties.StringProperty(MqttProperties.AUTHENTICATION_METHOD, "SCRAM-SHA-1"));
            authProps.add(new MqttProperties.BinaryProperty(MqttProperties.AUTHENTICATION_DATA, new byte[] {9, 8}));
            list.add(MqttMessageBuilders.auth()
                    .reasonCode((byte) 0x18)
                    .properties(authProps)
                    .build());
            MqttProperties discProps = new MqttProperties();
            discProps.add(new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL, 0));
            discProps.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, "done"));
            list.add(MqttMessageBuilders.disconnect()
                    .reasonCode((byte) 0x04)
                    .properties(discProps)
                    .build());
        } else {
            list.add(MqttMessage.DISCONNECT);
        }
        return list;
    }

    private static Stream encode(MqttVersion v, List<MqttMessage> messages) {
        EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
        encoder.attr(VERSION).set(v);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] starts = new int[messages.size()];
        for (int i = 0; i < messages.size(); i++) {
            starts[i] = out.size();
            encoder.writeOutbound(messages.get(i));
            ByteBuf buf;
            while ((buf = encoder.readOutbound()) != null) {
                byte[] b = new byte[buf.readableBytes()];
                buf.readBytes(b);
                buf.release();
                out.writeBytes(b);
            }
        }
        encoder.finishAndReleaseAll();
        return new Stream(v, out.toByteArray(), starts);
    }

    /** A seed with one to four mutations applied. */
    public byte[] mutate(SplittableRandom random, Stream seed) {
        byte[] b = seed.bytes().clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            b = mutateOnce(random, b, seed);
        }
        return b;
    }

    private byte[] mutateOnce(SplittableRandom random, byte[] b, Stream seed) {
        if (b.length == 0) {
            return new byte[] {(byte) random.nextInt(256)};
        }
        int pos = random.nextInt(b.length);
        switch (random.nextInt(8)) {
            case 0 -> b[pos] ^= (byte) (1 << random.nextInt(8)); // bit flip
            case 1 -> b[pos] = (byte) interesting(random); // byte replaced
            case 2 -> { // bytes inserted
                byte[] ins = new byte[1 + random.nextInt(8)];
                for (int i = 0; i < ins.length; i++) {
                    ins[i] = (byte) interesting(random);
                }
                return splice(b, pos, 0, ins);
            }
            case 3 -> { // bytes deleted
                return splice(b, pos, Math.min(b.length - pos, 1 + random.nextInt(8)), new byte[0]);
            }
            case 4 -> { // truncated
                return java.util.Arrays.copyOf(b, pos);
            }
            case 5 -> { // remaining length of a packet corrupted (also made a longer varint)
                int[] starts = seed.packetStarts();
                int at = starts[random.nextInt(starts.length)] + 1;
                if (at < b.length) {
                    if (random.nextBoolean()) {
                        b[at] = (byte) interesting(random);
                    } else {
                        return splice(b, at, 1, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F});
                    }
                }
            }
            case 6 -> { // splice from another seed
                byte[] other = seeds.get(random.nextInt(seeds.size())).bytes();
                int from = random.nextInt(other.length);
                int len = Math.min(other.length - from, 1 + random.nextInt(40));
                return splice(
                        b,
                        pos,
                        random.nextInt(Math.min(8, b.length - pos) + 1),
                        java.util.Arrays.copyOfRange(other, from, from + len));
            }
            default -> { // fixed header byte of a packet changed: type and flags
                int[] starts = seed.packetStarts();
                int at = starts[random.nextInt(starts.length)];
                if (at < b.length) {
                    b[at] = (byte) random.nextInt(256);
                }
            }
        }
        return b;
    }

    private static int interesting(SplittableRandom random) {
        int[] values = {0x00, 0x01, 0x02, 0x7F, 0x80, 0xFF, 0xFE, 0x10, 0x20, 0x30, 0x26, 0x1F, 0x21, 0x23};
        return random.nextBoolean() ? values[random.nextInt(values.length)] : random.nextInt(256);
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] r = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, r, 0, at);
        System.arraycopy(insert, 0, r, at, insert.length);
        System.arraycopy(b, at + remove, r, at + insert.length, b.length - at - remove);
        return r;
    }
}
