/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.delivery.DeliveryState;
import io.tributary.mqtt.delivery.DeliveryState.SharedInFlight;
import io.tributary.mqtt.kafka.KafkaSessionLog;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * The shared subscriptions' QoS 2 messages in flight, stored with the session [MQTT-4.8.2-4]: records of older nodes
 * (without them) still load, and they round-trip.
 */
class SessionStateSharedInFlightTest {

    private static SessionState replay(byte[] value) {
        SessionChange change = KafkaSessionLog.replay(new ConsumerRecord<>(
                "sessions",
                0,
                0,
                0L,
                TimestampType.CREATE_TIME,
                1,
                value.length,
                "c".getBytes(StandardCharsets.UTF_8),
                value,
                new RecordHeaders(),
                Optional.empty()));
        assertThat(change).isNotNull();
        return change.state();
    }

    @Test
    void aRecordOfAnOlderNodeLoadsWithNothingInFlight() {
        String old = "{\"version\":1,\"clientId\":\"c\",\"protocolLevel\":5,\"expiryIntervalSeconds\":600,"
                + "\"subscriptions\":[],\"delivery\":{\"committed\":{\"m:0\":5},\"sentUpTo\":{},\"skip\":{},"
                + "\"releases\":[{\"packetId\":3,\"shard\":\"m:0\",\"offset\":4}],\"packetIds\":{\"m:0\":{\"4\":3}}},"
                + "\"qos2Received\":[],\"owner\":\"node-a\",\"epoch\":2,\"disconnectedAtMillis\":0}";
        DeliveryState d = replay(old.getBytes(StandardCharsets.UTF_8)).delivery();
        assertThat(d.shared()).isEmpty();
        assertThat(d.releases()).containsExactly(new DeliveryState.PendingRelease(3, "m:0", 4));
        assertThat(d.packetIds()).containsEntry("m:0", Map.of(4L, 3));
    }

    @Test
    void aSessionWithNothingInFlightIsWrittenAsBefore() {
        SessionState state = new SessionState(
                SessionState.CURRENT_VERSION, "c", 5, 600, List.of(), DeliveryState.EMPTY, List.of(), "node-a", 1, 0);
        assertThat(new String(KafkaSessionLog.serialize(state), StandardCharsets.UTF_8))
                .doesNotContain("shared");
    }

    @Test
    void sharedMessagesInFlightRoundTrip() {
        List<SharedInFlight> shared = List.of(
                new SharedInFlight(7, "mqtt.messages:2", 120, false, true, List.of(4, 9)),
                new SharedInFlight(8, "mqtt.messages:0", 33, true, false, List.of()));
        DeliveryState delivery = new DeliveryState(Map.of(), Map.of(), Map.of(), List.of(), Map.of(), shared);
        SessionState state = new SessionState(
                SessionState.CURRENT_VERSION, "c", 5, 600, List.of(), delivery, List.of(), "node-a", 1, 0);
        assertThat(replay(KafkaSessionLog.serialize(state)).delivery()).isEqualTo(delivery);
    }
}
