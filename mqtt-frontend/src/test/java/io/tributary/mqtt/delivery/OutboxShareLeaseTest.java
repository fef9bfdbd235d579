/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** How an outbox settles the share-group records of a shared subscription's messages. */
class OutboxShareLeaseTest {

    /** Records how it was settled: the first call counts, later ones are no-ops, as the contract says. */
    static final class RecordingLease implements ShareLease {
        static final TopicPartition PARTITION = new TopicPartition("messages", 3);
        final List<String> calls = new ArrayList<>();
        final long offset;

        RecordingLease() {
            this(42);
        }

        RecordingLease(long offset) {
            this.offset = offset;
        }

        @Override
        public TopicPartition partition() {
            return PARTITION;
        }

        @Override
        public long offset() {
            return offset;
        }

        @Override
        public void accept() {
            settle("accept");
        }

        @Override
        public void acceptMarked() {
            settle("accept-marked");
        }

        @Override
        public void release() {
            settle("release");
        }

        @Override
        public String group() {
            return "tributary-share-g-0123";
        }

        private void settle(String how) {
            if (calls.isEmpty()) {
                calls.add(how);
            }
        }
    }

    private final OutboxTest.FakeWriter writer = new OutboxTest.FakeWriter();

    private Outbox attached(int capacity) {
        Outbox outbox = new Outbox(capacity, 100, new AtomicLong());
        outbox.startLive(List.of());
        outbox.attach(writer, 65535, List.of());
        return outbox;
    }

    private static Delivery shared(int qos, ShareLease lease) {
        Message m = new Message("s/x", "p".getBytes(StandardCharsets.UTF_8), qos, false, "pub", MessageProperties.NONE);
        return Delivery.shared(m, qos, false, Delivery.NO_IDS, lease);
    }

    @Test
    void qos1RecordIsAcceptedOnPuback() {
        Outbox outbox = attached(10);
        RecordingLease lease = new RecordingLease();
        assertThat(outbox.offerShared(shared(1, lease))).isTrue();
        outbox.drain();
        assertThat(writer.publishes).hasSize(1);
        assertThat(lease.calls).isEmpty();
        outbox.complete(writer.publishes.get(0).packetId());
        assertThat(lease.calls).containsExactly("accept");
    }

    @Test
    void qos0RecordIsAcceptedOnceWritten() {
        Outbox outbox = attached(10);
        RecordingLease lease = new RecordingLease();
        outbox.offerShared(shared(0, lease));
        outbox.drain();
        assertThat(lease.calls).containsExactly("accept");
    }

    @Test
    void qos2RecordIsAcceptedOnceWrittenSoItNeverReachesAnotherMember() {
        Outbox outbox = attached(10);
        RecordingLease lease = new RecordingLease();
        outbox.offerShared(shared(2, lease));
        outbox.drain();
        assertThat(lease.calls).containsExactly("accept"); // [MQTT-4.8.2-5]
        DeliveryState stored = outbox.detach(new OutboxTest.FakeReader());
        assertThat(lease.calls).containsExactly("accept"); // the release on detach is a no-op for the lease
        // ... and the message stays this member's, to complete when it reconnects [MQTT-4.8.2-4].
        assertThat(stored.shared())
                .containsExactly(new DeliveryState.SharedInFlight(
                        writer.publishes.get(0).packetId(), "messages:3", 42, false, false, List.of()));
    }

    @Test
    void qos2RecordIsAcceptedOnlyOnceTheRecordListingItWithItsMarkerIsStored() {
        Outbox outbox = attached(10);
        CompletableFuture<Void> storing = new CompletableFuture<>();
        outbox.guardReleases(() -> storing); // exactly once: the session is stored before the PUBLISH goes out
        RecordingLease lease = new RecordingLease(7);
        outbox.offerShared(shared(2, lease));
        outbox.drain();
        assertThat(writer.publishes).as("held until stored").isEmpty();
        assertThat(lease.calls)
                .as("an ACCEPT before the record commits would lose the message in a crash between the two")
                .isEmpty();
        assertThat(outbox.snapshot(new OutboxTest.FakeReader(), List.of()).shared())
                .as("what the guard stores lists it, with its share group: the record commits with its marker")
                .extracting(DeliveryState.SharedInFlight::offset, DeliveryState.SharedInFlight::shareGroup)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(7L, "tributary-share-g-0123"));
        storing.complete(null);
        assertThat(writer.publishes).hasSize(1);
        assertThat(lease.calls).containsExactly("accept-marked");
        assertThat(outbox.snapshot(new OutboxTest.FakeReader(), List.of()).shared())
                .as("later records list it without its marker, which goes once the ACCEPT is committed")
                .extracting(DeliveryState.SharedInFlight::shareGroup)
                .containsExactly((String) null);
    }

    @Test
    void qos2RecordHeldUntilItsPacketIdIsStoredIsTheMembersAndStaysSoIfTheConnectionEnds() {
        Outbox outbox = attached(10);
        CompletableFuture<Void> storing = new CompletableFuture<>();
        outbox.guardReleases(() -> storing);
        RecordingLease lease = new RecordingLease(7);
        outbox.offerShared(shared(2, lease));
        outbox.drain();
        DeliveryState stored = outbox.detach(new OutboxTest.FakeReader());
        assertThat(lease.calls)
                .as("not released: the member's final record lists it")
                .isEmpty();
        assertThat(stored.shared())
                .extracting(DeliveryState.SharedInFlight::offset, DeliveryState.SharedInFlight::shareGroup)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(7L, "tributary-share-g-0123"));
        storing.complete(null);
        assertThat(writer.publishes).as("the connection is gone").isEmpty();
        assertThat(lease.calls).containsExactly("accept-marked");
    }

    @Test
    void qos2RecordOfASessionWithoutStoreIsAcceptedAtOnceWithoutMarker() {
        Outbox outbox = attached(10);
        outbox.guardReleases(() -> null); // a session that ends with its connection: nothing is stored
        RecordingLease lease = new RecordingLease();
        outbox.offerShared(shared(2, lease));
        outbox.drain();
        assertThat(lease.calls).containsExactly("accept");
        assertThat(outbox.snapshot(new OutboxTest.FakeReader(), List.of()).shared())
                .extracting(DeliveryState.SharedInFlight::shareGroup)
                .containsExactly((String) null);
    }

    @Test
    void aSharedQos2MessageIsStoredAsReleasedAfterPubrecAndForgottenAfterPubcomp() {
        Outbox outbox = attached(10);
        outbox.offerShared(shared(2, new RecordingLease()));
        outbox.drain();
        int packetId = writer.publishes.get(0).packetId();
        outbox.received(packetId, false);
        assertThat(writer.pubrels).containsExactly(packetId);
        assertThat(outbox.snapshot(new OutboxTest.FakeReader(), List.of()).shared())
                .extracting(DeliveryState.SharedInFlight::released)
                .containsExactly(true);
        outbox.complete(packetId);
        assertThat(outbox.snapshot(new OutboxTest.FakeReader(), List.of()).shared())
                .isEmpty();
    }

    @Test
    void aFailingPubrecEndsTheDeliveryAndTheRecordStaysAccepted() {
        // [MQTT-4.8.2-6]: a member's PUBREC of 0x80 or more discards the message; no other member gets it.
        Outbox outbox = attached(10);
        RecordingLease lease = new RecordingLease();
        outbox.offerShared(shared(2, lease));
        outbox.drain();
        int packetId = writer.publishes.get(0).packetId();
        assertThat(outbox.received(packetId, true)).isTrue();
        assertThat(writer.pubrels).as("no PUBREL after a failing PUBREC").isEmpty();
        assertThat(outbox.complete(packetId)).as("the exchange is over").isFalse();
        outbox.detach(new OutboxTest.FakeReader());
        assertThat(lease.calls).containsExactly("accept");
    }

    @Test
    void unacknowledgedAndQueuedRecordsAreReleasedWhenTheConnectionEnds() {
        Outbox outbox = new Outbox(10, 1, new AtomicLong()); // a window of one: the second message stays queued
        outbox.startLive(List.of());
        outbox.attach(writer, 65535, List.of());
        RecordingLease inFlight = new RecordingLease();
        RecordingLease queued = new RecordingLease();
        outbox.offerShared(shared(1, inFlight));
        outbox.offerShared(shared(1, queued));
        outbox.drain();
        assertThat(writer.publishes).hasSize(1);
        outbox.detach(new OutboxTest.FakeReader());
        assertThat(inFlight.calls).containsExactly("release");
        assertThat(queued.calls).containsExactly("release");
    }

    @Test
    void aDetachedOrFullOutboxRefusesSoTheReaderTriesAnotherMember() {
        Outbox detached = new Outbox(10, 100, new AtomicLong());
        assertThat(detached.offerShared(shared(1, new RecordingLease()))).isFalse();
        Outbox full = attached(1);
        assertThat(full.offerShared(shared(1, new RecordingLease()))).isTrue();
        assertThat(full.offerShared(shared(1, new RecordingLease()))).isFalse();
    }
}
