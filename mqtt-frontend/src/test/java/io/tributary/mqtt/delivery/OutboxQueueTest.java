/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import static io.tributary.mqtt.delivery.OutboxTest.delivery;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.delivery.OutboxShareLeaseTest.RecordingLease;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The messages waiting for one client: bounded, written in order, QoS 1/2 only when the window has room. */
class OutboxQueueTest {

    @Test
    void isFullAtItsCapacity() {
        OutboxQueue queue = new OutboxQueue(2);
        queue.add(delivery(1, 1));
        assertThat(queue.isFull()).isFalse();
        queue.add(delivery(2, 1));
        assertThat(queue.isFull()).isTrue();
        assertThat(queue.size()).isEqualTo(2);
    }

    @Test
    void messagesComeOutInTheOrderTheyWereQueued() {
        OutboxQueue queue = new OutboxQueue(10);
        queue.add(delivery(3, 1));
        queue.add(delivery(1, 0));
        queue.add(delivery(2, 2));
        assertThat(queue.poll(false).offset()).isEqualTo(3);
        assertThat(queue.poll(false).offset()).isEqualTo(1);
        assertThat(queue.poll(false).offset()).isEqualTo(2);
        assertThat(queue.poll(false)).isNull();
    }

    @Test
    void aQos1MessageWaitsForRoomInTheWindowAndHoldsBackTheOnesBehindIt() {
        OutboxQueue queue = new OutboxQueue(10);
        queue.add(delivery(1, 1));
        queue.add(delivery(2, 0));
        assertThat(queue.poll(true)).as("window full").isNull();
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.poll(false).offset()).isEqualTo(1);
        assertThat(queue.poll(true).offset())
                .as("QoS 0 needs no room in the window")
                .isEqualTo(2);
    }

    @Test
    void releaseAllEmptiesTheQueueAndReturnsSharedMessagesToTheirGroup() {
        OutboxQueue queue = new OutboxQueue(10);
        RecordingLease lease = new RecordingLease();
        Message m = new Message("s/x", "p".getBytes(StandardCharsets.UTF_8), 1, false, "pub", MessageProperties.NONE);
        queue.add(delivery(1, 1));
        queue.add(Delivery.shared(m, 1, false, Delivery.NO_IDS, lease));

        queue.releaseAll();

        assertThat(lease.calls).containsExactly("release");
        assertThat(queue.size()).isZero();
        assertThat(queue.poll(false)).isNull();
    }
}
