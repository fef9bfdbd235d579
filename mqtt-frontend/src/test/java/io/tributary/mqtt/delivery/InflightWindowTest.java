/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import static io.tributary.mqtt.delivery.OutboxTest.delivery;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.delivery.DeliveryState.PendingRelease;
import io.tributary.mqtt.delivery.OutboxShareLeaseTest.RecordingLease;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The unacknowledged QoS 1/2 messages of one connection, by packet id, within the Receive Maximum. */
class InflightWindowTest {

    private static final String SHARD = Shards.id(new TopicPartition("messages", 0));

    @Test
    void isFullAtItsSizeWhichTheClientCanOnlyNarrow() {
        InflightWindow window = new InflightWindow(3);
        window.limitTo(65535);
        window.send(delivery(1, 1), null);
        window.send(delivery(2, 1), null);
        assertThat(window.isFull()).isFalse();
        window.limitTo(2); // the client's Receive Maximum
        assertThat(window.isFull()).isTrue();
        window.complete(1);
        assertThat(window.isFull()).isFalse();
    }

    @Test
    void packetIdsAreAllocatedInTurnSkippingThoseInUseAndWrapAt65535() {
        InflightWindow window = new InflightWindow(70000);
        for (int expected = 1; expected <= 65535; expected++) {
            assertThat(window.send(delivery(expected, 1), null)).isEqualTo(expected);
        }
        window.complete(7);
        assertThat(window.send(delivery(0, 1), null))
                .as("the only free id after the wrap")
                .isEqualTo(7);
    }

    @Test
    void aResentMessageKeepsItsPacketIdWhenItIsFree() {
        InflightWindow window = new InflightWindow(10);
        assertThat(window.send(delivery(5, 1), 9)).as("[MQTT-4.4.0-1]").isEqualTo(9);
        assertThat(window.send(delivery(6, 1), 9)).as("9 is in flight").isEqualTo(1);
    }

    @Test
    void completeTakesTheMessageOutOfFlightOnce() {
        InflightWindow window = new InflightWindow(10);
        Delivery d = delivery(5, 1);
        int pid = window.send(d, null);
        assertThat(window.complete(pid)).isSameAs(d);
        assertThat(window.complete(pid)).as("unknown packet id").isNull();
    }

    @Test
    void pubrecMarksTheMessageAsAwaitingPubrel() {
        InflightWindow window = new InflightWindow(10);
        int released = window.send(delivery(5, 2), null);
        window.send(delivery(6, 2), null);
        assertThat(window.release(released)).isTrue();
        assertThat(window.release(99)).as("unknown packet id").isFalse();
        assertThat(window.pendingReleases()).containsExactly(new PendingRelease(released, SHARD, 5));
    }

    @Test
    void aResumedReleaseIsInFlightAndNewIdsFollowIt() {
        InflightWindow window = new InflightWindow(10);
        PendingRelease r = new PendingRelease(7, SHARD, 10);
        window.resumeRelease(r);
        assertThat(window.pendingReleases()).containsExactly(r);
        assertThat(window.send(delivery(11, 1), null)).isEqualTo(8);
        assertThat(window.complete(7).offset()).isEqualTo(10);
        assertThat(window.pendingReleases()).isEmpty();
    }

    @Test
    void releaseAllEmptiesTheWindowAndReturnsSharedMessagesToTheirGroup() {
        InflightWindow window = new InflightWindow(10);
        RecordingLease lease = new RecordingLease();
        Message m = new Message("s/x", "p".getBytes(StandardCharsets.UTF_8), 1, false, "pub", MessageProperties.NONE);
        int pid = window.send(Delivery.shared(m, 1, false, Delivery.NO_IDS, lease), null);

        window.releaseAll();

        assertThat(lease.calls).containsExactly("release");
        assertThat(window.complete(pid)).isNull();
        assertThat(window.isFull()).isFalse();
    }
}
