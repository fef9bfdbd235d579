/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PUBACKs leave in the order the PUBLISH packets arrived, whatever order Kafka acknowledges in [MQTT-4.6.0-2]. */
class AckSequencerTest {

    @Test
    void laterCompletionWaitsForEarlierOnes() {
        AckSequencer acks = new AckSequencer();
        AckSequencer.Slot a = acks.add(1, 1);
        AckSequencer.Slot b = acks.add(2, 1);
        AckSequencer.Slot c = acks.add(3, 2);
        List<Integer> written = new ArrayList<>();
        c.complete((byte) 0);
        b.complete((byte) 0);
        assertThat(acks.flush(s -> written.add(s.packetId))).isZero();
        a.complete((byte) 0);
        assertThat(acks.flush(s -> written.add(s.packetId))).isEqualTo(3);
        assertThat(written).containsExactly(1, 2, 3);
        assertThat(acks.size()).isZero();
    }
}
