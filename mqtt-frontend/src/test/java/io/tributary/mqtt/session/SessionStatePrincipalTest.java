/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.delivery.DeliveryState;
import io.tributary.mqtt.kafka.KafkaSessionLog;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The principal in a stored session: records of older nodes still load (belonging to nobody), and it round-trips. */
class SessionStatePrincipalTest {

    private static SessionState state(@Nullable String principal) {
        return new SessionState(
                SessionState.CURRENT_VERSION,
                "c",
                5,
                600,
                List.of(),
                DeliveryState.EMPTY,
                List.of(),
                "node-a",
                1,
                0,
                null,
                null,
                principal);
    }

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
    void aRecordOfAnOlderNodeLoadsWithoutAPrincipal() {
        // What a node from before this version wrote (the will and phase left out when null, as now).
        String old = "{\"version\":1,\"clientId\":\"c\",\"protocolLevel\":4,\"expiryIntervalSeconds\":4294967295,"
                + "\"subscriptions\":[{\"filter\":\"a/#\",\"qos\":1,\"noLocal\":false,\"retainAsPublished\":false,"
                + "\"retainHandling\":0,\"subscriptionId\":0}],\"delivery\":{\"committed\":{\"m-0\":5},"
                + "\"sentUpTo\":{\"m-0\":5},\"skip\":{},\"releases\":[]},"
                + "\"qos2Received\":[],\"owner\":\"node-a\",\"epoch\":7,\"disconnectedAtMillis\":0}";
        SessionState s = replay(old.getBytes(StandardCharsets.UTF_8));
        assertThat(s.principal()).isNull();
        assertThat(s.epoch()).isEqualTo(7);
        assertThat(s.subscriptions()).hasSize(1);
    }

    @Test
    void anAnonymousSessionIsWrittenAsBefore() {
        assertThat(new String(KafkaSessionLog.serialize(state(null)), StandardCharsets.UTF_8))
                .doesNotContain("principal");
    }

    @Test
    void thePrincipalRoundTripsAndSurvivesAClaimAndAWillChange() {
        SessionState s = replay(KafkaSessionLog.serialize(state("alice")));
        assertThat(s.principal()).isEqualTo("alice");
        assertThat(s.with("node-b", 2, 0, SessionState.CLAIM).principal()).isEqualTo("alice");
        assertThat(s.withWill(null).principal()).isEqualTo("alice");
    }
}
