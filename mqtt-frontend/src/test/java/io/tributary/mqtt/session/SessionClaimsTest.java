/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.mqtt.delivery.DeliveryState;
import io.tributary.mqtt.kafka.KafkaSender;
import io.tributary.mqtt.kafka.KafkaSessionLog;
import java.nio.charset.StandardCharsets;
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

/**
 * Race-free claims: in the sessions topic, the first record of a higher epoch claims the session; a record of that
 * epoch by another node that came later lost, whoever wrote it, and every node (this one is node-b) decides alike.
 */
class SessionClaimsTest {

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
    void theFirstRecordOfAnEpochWinsAndTheLaterOneLoses() {
        store.startExpiryTimers(System.currentTimeMillis());
        CompletableFuture<Boolean> mine = store.expectClaim("c", 3, 60_000);
        store.save(state("node-b", 3, 0, null)).join();
        tail("node-a", state("node-a", 3, 0, null)); // node-a's CONNECT reached Kafka first
        tail("node-b", state("node-b", 3, 0, null)); // then this node's, read back
        assertThat(mine).isCompletedWithValue(false);
        assertThat(store.get("c").owner()).isEqualTo("node-a");
        // Lost: this node may no longer write that epoch (the CONNECT claims again, at the next one).
        assertThat(store.save(state("node-b", 3, 0, null))).isCompletedExceptionally();
    }

    @Test
    void aLaterRecordOfTheClaimedEpochIsIgnoredAndTheHolderWritesItsStateAgain() {
        List<SessionState> told = new CopyOnWriteArrayList<>();
        store.onForeignRecord(told::add);
        store.startExpiryTimers(System.currentTimeMillis());
        CompletableFuture<Boolean> mine = store.expectClaim("c", 3, 60_000);
        store.save(state("node-b", 3, 0, null)).join();
        tail("node-b", state("node-b", 3, 0, null));
        assertThat(mine).isCompletedWithValue(true);
        tail("node-a", state("node-a", 3, 0, null)); // lost the race: nobody follows it
        assertThat(store.get("c").owner()).isEqualTo("node-b");
        assertThat(told).isEmpty();
        // The topic is compacted (the last record of a key stays): the holder's record goes after the loser's.
        assertThat(producer.history()).hasSize(2);
    }

    @Test
    void aHandOverAnswersTheClaimWithoutTakingTheSessionBack() {
        store.startExpiryTimers(System.currentTimeMillis());
        tail("node-a", state("node-a", 7, 0, null));
        CompletableFuture<SessionState> handed = store.claim(store.get("c"), 60_000);
        tail("node-b", state("node-b", 8, 0, SessionState.CLAIM));
        tail("node-a", state("node-a", 8, 123, SessionState.HANDOVER));
        assertThat(handed.join().disconnectedAtMillis()).isEqualTo(123);
        tail("node-c", state("node-c", 8, 0, SessionState.CLAIM)); // a claim of the same epoch, later: lost
        assertThat(store.get("c").owner()).isEqualTo("node-b");
    }

    @Test
    void aClaimThatLostFailsAtOnce() {
        store.startExpiryTimers(System.currentTimeMillis());
        tail("node-a", state("node-a", 7, 0, null));
        CompletableFuture<SessionState> handed = store.claim(store.get("c"), 60_000);
        tail("node-c", state("node-c", 8, 0, SessionState.CLAIM));
        tail("node-b", state("node-b", 8, 0, SessionState.CLAIM));
        assertThat(handed).isCompletedExceptionally();
        assertThatThrownBy(handed::join).hasCauseInstanceOf(SessionStore.ClaimLost.class);
    }

    @Test
    void afterATombstoneTheNextRecordClaimsWhateverItsEpoch() {
        store.startExpiryTimers(System.currentTimeMillis());
        tail("node-a", state("node-a", 9, 0, null));
        tail("node-a", null);
        tail("node-c", state("node-c", 1, 0, null));
        assertThat(store.get("c").owner()).isEqualTo("node-c");
    }

    @Test
    void lostRecordsAreIgnoredWhenLoadingToo() {
        tail("node-a", state("node-a", 3, 0, null));
        tail("node-c", state("node-c", 3, 0, null));
        store.startExpiryTimers(System.currentTimeMillis());
        assertThat(store.get("c").owner()).isEqualTo("node-a");
    }
}
