/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.record.MqttHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A record from a plain Kafka producer whose key is no valid MQTT topic ({@code bad/#}) is not delivered: counted
 * every time, logged at most once per interval with the record and the reason.
 */
class UndeliverableRecordsTest {

    private static final TopicRouter ROUTER = new TopicRouter("mqtt.messages", List.of());

    private final AtomicLong counter = new AtomicLong();
    private final List<String> lines = new ArrayList<>();
    private long now;
    private final UndeliverableRecords records =
            new UndeliverableRecords(counter, lines::add, () -> now, Duration.ofMinutes(1));

    private static ConsumerRecord<byte[], byte[]> keyed(String key, long offset) {
        return new ConsumerRecord<>(
                "mqtt.messages", 3, offset, key.getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void oneLineNamingTheRecordAndWhyThenQuietForTheInterval() {
        records.drop(keyed("bad/#", 42), ROUTER);
        records.drop(keyed("bad/#", 43), ROUTER);
        records.drop(keyed("also/+/bad", 44), ROUTER);

        assertThat(counter.get()).as("every record counts").isEqualTo(3);
        assertThat(lines)
                .containsExactly("Not delivering the record at mqtt.messages-3 offset 42: its key 'bad/#' is not a "
                        + "valid MQTT topic name (a topic name must not contain wildcards [MQTT-3.3.2-2]). Counted in "
                        + "RecordsWithoutTopic; at most one such line per 1 min");

        now += Duration.ofMinutes(1).toNanos();
        records.drop(keyed("bad/#", 45), ROUTER);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).contains("offset 45").endsWith("(2 more since the last one)");
    }

    @Test
    void theReasonNamesAHeaderTopicAMissingKeyAndSys() {
        ConsumerRecord<byte[], byte[]> header = keyed("ignored", 1);
        header.headers().add(MqttHeaders.TOPIC, "x/#".getBytes(StandardCharsets.UTF_8));
        assertThat(UndeliverableRecords.why(header, ROUTER)).startsWith("its mqtt.topic header 'x/#' is not a valid");

        ConsumerRecord<byte[], byte[]> noKey = new ConsumerRecord<>("mqtt.messages", 0, 1, null, new byte[0]);
        assertThat(UndeliverableRecords.why(noKey, ROUTER)).isEqualTo("it has neither a key nor an mqtt.topic header");

        assertThat(UndeliverableRecords.why(keyed("$SYS/brokers/x", 1), ROUTER)).contains("$SYS tree");
    }

    @Test
    void theLiveReaderDropsWhatDecodeRefuses() {
        assertThat(ShardReader.decode("mqtt.messages", keyed("bad/#", 1), ROUTER, 1))
                .isNull();
    }
}
