/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.tributary.mqtt.publish.AckSequencer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KafkaAckHandOffTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<Integer> seen = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final AtomicInteger batches = new AtomicInteger();
    private final KafkaAckHandOff handOff = new KafkaAckHandOff(
            channel.eventLoop(),
            c -> {
                seen.add(c.slot() == null ? -1 : c.slot().packetId);
                if (c.error() != null) {
                    errors.add(c.error());
                }
            },
            batches::incrementAndGet);

    @Test
    void completionsOfOneBatchRunInOrderInOneEventLoopTask() {
        AckSequencer acks = new AckSequencer();
        for (int id = 1; id <= 5; id++) {
            handOff.completed(acks.add(id, 1), 0, null);
        }
        assertThat(seen).isEmpty(); // nothing runs on the calling thread
        channel.runPendingTasks();
        assertThat(seen).containsExactly(1, 2, 3, 4, 5);
        assertThat(batches).hasValue(1);
    }

    @Test
    void aCompletionAfterADrainSchedulesTheNextOne() {
        AckSequencer acks = new AckSequencer();
        handOff.completed(acks.add(1, 1), 0, null);
        channel.runPendingTasks();
        IllegalStateException failed = new IllegalStateException("delivery timeout");
        handOff.completed(null, 0, null);
        handOff.completed(acks.add(2, 1), 0, failed);
        channel.runPendingTasks();
        assertThat(seen).containsExactly(1, -1, 2);
        assertThat(errors).containsExactly(failed);
        assertThat(batches).hasValue(2);
    }

    @Test
    void completionsFromManyThreadsAllArrive() throws InterruptedException {
        AckSequencer acks = new AckSequencer();
        List<AckSequencer.Slot> slots = new ArrayList<>();
        for (int id = 1; id <= 4_000; id++) {
            slots.add(acks.add(id, 1));
        }
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            List<AckSequencer.Slot> share = slots.subList(t * 1_000, (t + 1) * 1_000);
            Thread thread = new Thread(() -> share.forEach(s -> handOff.completed(s, 0, null)));
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        channel.runPendingTasks();
        assertThat(seen).hasSize(4_000).doesNotHaveDuplicates();
    }
}
