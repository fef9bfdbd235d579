/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.mqtt.delivery.DeliveryState;
import io.tributary.mqtt.kafka.KafkaSender;
import io.tributary.mqtt.kafka.KafkaSessionLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sessions topic as several nodes share it: epochs only grow, a fenced node cannot write, claims complete. */
class SessionStoreFencingTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final SessionStore store = new SessionStore(
            new KafkaSessionLog(new KafkaSender(producer, timer, 60_000), "sessions", "node-b"), timer, "node-b");

    /** What the sessions topic's tail does with a record. */
    private void load(ConsumerRecord<byte[], byte[]> record) {
        SessionChange change = KafkaSessionLog.replay(record);
        if (change != null) {
            store.apply(change);
        }
    }

    private long offset;

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private static SessionState state(String owner, long epoch, long disconnectedAt, String phase) {
        return new SessionState(
                SessionState.CURRENT_VERSION,
                "c",
                5,
                600,
                List.of(),
                DeliveryState.EMPTY,
                List.of(),
                owner,
                epoch,
                disconnectedAt,
                phase);
    }

    private void tail(String writer, SessionState s) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(KafkaSessionLog.WRITER_HEADER, writer.getBytes(StandardCharsets.UTF_8));
        load(new ConsumerRecord<>(
                "sessions",
                0,
                offset++,
                0L,
                TimestampType.CREATE_TIME,
                1,
                1,
                "c".getBytes(StandardCharsets.UTF_8),
                s == null ? null : KafkaSessionLog.serialize(s),
                headers,
                Optional.empty()));
    }

    @Test
    void aRecordWithALowerEpochNeverReplacesANewerOne() {
        store.startExpiryTimers(System.currentTimeMillis());
        tail("node-a", state("node-a", 3, 0, null));
        tail("node-c", state("node-c", 4, 0, SessionState.CLAIM));
        tail("node-a", state("node-a", 3, 0, null)); // a checkpoint of node-a that was in flight
        assertThat(store.get("c").owner()).isEqualTo("node-c");
        assertThat(store.get("c").epoch()).isEqualTo(4);
    }

    @Test
    void aNodeThatSawANewerEpochRefusesToWriteAnOlderOne() {
        store.startExpiryTimers(System.currentTimeMillis());
        tail("node-a", state("node-a", 5, 0, SessionState.CLAIM));
        CompletableFuture<Void> stale = store.save(state("node-b", 4, 0, null));
        assertThat(stale).isCompletedExceptionally();
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void ownRecordsAreNotAppliedAgainFromTheTail() {
        store.startExpiryTimers(System.currentTimeMillis());
        store.save(state("node-b", 2, 0, null)).join();
        long now = System.currentTimeMillis();
        store.save(state("node-b", 2, now, null)).join(); // stored as offline (expires in 600 s)
        tail("node-b", state("node-b", 2, 0, null)); // the first one, read back
        assertThat(store.get("c").disconnectedAtMillis()).isEqualTo(now);
        assertThat(producer.history())
                .allSatisfy(r -> assertThat(new String(
                                r.headers()
                                        .lastHeader(KafkaSessionLog.WRITER_HEADER)
                                        .value(),
                                StandardCharsets.UTF_8))
                        .isEqualTo("node-b"));
    }

    @Test
    void aClaimCompletesWithTheHandOver() {
        store.startExpiryTimers(System.currentTimeMillis());
        tail("node-a", state("node-a", 7, 0, null));
        CompletableFuture<SessionState> handed = store.claim(store.get("c"), 60_000);
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
        assertThat(SessionStoreFencingTest.phaseOf(producer.history().get(0).value()))
                .isEqualTo("claim");
        assertThat(handed).isNotDone();
        tail("node-a", state("node-a", 7, 0, null)); // a late checkpoint is not the hand-over
        assertThat(handed).isNotDone();
        tail("node-a", state("node-a", 8, 123, SessionState.HANDOVER));
        assertThat(handed.join().phase()).isEqualTo(SessionState.HANDOVER);
        assertThat(handed.join().disconnectedAtMillis()).isEqualTo(123);
    }

    @Test
    void aClaimOnADeadNodeResumesFromItsLastStateAfterTheTimeout() {
        store.startExpiryTimers(System.currentTimeMillis());
        tail("node-a", state("node-a", 7, 0, null));
        CompletableFuture<SessionState> handed = store.claim(store.get("c"), 200);
        SessionState resumed = handed.join();
        assertThat(resumed.owner()).isEqualTo("node-a");
        assertThat(resumed.epoch()).isEqualTo(7);
    }

    @Test
    void theHolderIsToldAboutAClaim() {
        List<SessionState> seen = new CopyOnWriteArrayList<>();
        store.onForeignRecord(seen::add);
        store.startExpiryTimers(System.currentTimeMillis());
        tail("node-a", state("node-a", 9, 0, SessionState.CLAIM));
        assertThat(seen).extracting(SessionState::epoch).containsExactly(9L);
    }

    @Test
    void atStartOnlyTheNodesOwnSessionsAreMarkedOffline() {
        tail("node-a", state("node-a", 1, 0, null));
        store.startExpiryTimers(5000);
        assertThat(store.get("c").disconnectedAtMillis()).isZero(); // still held by node-a
    }

    private static String phaseOf(byte[] json) {
        String s = new String(json, StandardCharsets.UTF_8);
        return s.contains("\"phase\":\"claim\"") ? "claim" : s;
    }
}
