/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import io.tributary.mqtt.message.MessageProperties.UserProperty;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The record contract of docs/kafka-layout.md, as examples. */
class MessageRecordCodecTest {

    @Test
    void roundTripKeepsEveryField() {
        MessageProperties props = new MessageProperties(
                true,
                "application/json",
                1_900_000_000_000L,
                "reply/1",
                new byte[] {1, 2, 3},
                List.of(new UserProperty("a", "1"), new UserProperty("a", "2"), new UserProperty("mqtt.x", "esc")));
        Message m = new Message("t/1", "{}".getBytes(), 2, true, "c1", props);
        Headers headers = MessageRecordCodec.headers(m, true);
        assertThat(new String(headers.lastHeader("mqtt.topic").value(), StandardCharsets.UTF_8))
                .isEqualTo("t/1");
        assertThat(headers.lastHeader("mqtt.user.mqtt.x")).isNotNull();
        Message back = MessageRecordCodec.decode("ignored-key", m.payload(), headers, 0);
        assertThat(back.topic()).isEqualTo("t/1");
        assertThat(back.qos()).isEqualTo(2);
        assertThat(back.retain()).isTrue();
        assertThat(back.publisher()).isEqualTo("c1");
        assertThat(back.properties().userProperties()).containsExactlyElementsOf(props.userProperties());
        assertThat(back.properties().contentType()).isEqualTo("application/json");
        assertThat(back.properties().expiresAtMillis()).isEqualTo(1_900_000_000_000L);
        assertThat(back.properties().correlationData()).containsExactly(1, 2, 3);
        assertThat(back.properties().payloadUtf8()).isTrue();
    }

    @Test
    void minimalRecordCarriesOnlyQosAndClient() {
        Headers headers =
                MessageRecordCodec.headers(new Message("a", new byte[0], 0, false, "c", MessageProperties.NONE), false);
        assertThat(headers.toArray()).extracting(h -> h.key()).containsExactly("mqtt.qos", "mqtt.client");
    }

    @Test
    void plainRecordGetsDefaults() {
        Message m = MessageRecordCodec.decode("from/key", "v".getBytes(), new RecordHeaders(), 1);
        assertThat(m.topic()).isEqualTo("from/key");
        assertThat(m.qos()).isEqualTo(1);
        assertThat(m.publisher()).isNull();
        assertThat(m.properties()).isSameAs(MessageProperties.NONE);
    }

    @Test
    void recordWithoutTopicIsDropped() {
        assertThat(MessageRecordCodec.decode(null, "v".getBytes(), new RecordHeaders(), 1))
                .isNull();
    }
}
