/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.publish;

import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Keeps PUBACK / PUBREC in the order the PUBLISH packets arrived [MQTT-4.6.0-2] even though Kafka may
 * acknowledge records of different partitions out of order. Event-loop confined.
 */
public final class AckSequencer {

    /** One inbound QoS 1/2 PUBLISH waiting for Kafka. */
    public static final class Slot {
        public final int packetId;
        public final int qos;
        boolean done;
        public byte reason;
        /** The Reason String of a refusal that has its own, else null. */
        public @Nullable String reasonText;

        Slot(int packetId, int qos) {
            this.packetId = packetId;
            this.qos = qos;
        }

        public void complete(byte reasonCode) {
            this.reason = reasonCode;
            this.done = true;
        }

        public void complete(byte reasonCode, @Nullable String text) {
            this.reasonText = text;
            complete(reasonCode);
        }
    }

    // Starts small (grows on the first publishes): most connections of a large node publish little or nothing.
    private final ArrayDeque<Slot> slots = new ArrayDeque<>(1);

    public Slot add(int packetId, int qos) {
        Slot slot = new Slot(packetId, qos);
        slots.add(slot);
        return slot;
    }

    /** Hands every completed slot at the head to the writer; returns how many. */
    public int flush(Consumer<Slot> writer) {
        int n = 0;
        while (!slots.isEmpty() && slots.peek().done) {
            writer.accept(slots.poll());
            n++;
        }
        return n;
    }

    public int size() {
        return slots.size();
    }
}
