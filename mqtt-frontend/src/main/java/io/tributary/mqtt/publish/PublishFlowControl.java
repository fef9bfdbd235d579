/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.publish;

import io.netty.channel.Channel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Node-wide back-pressure on publishers. Payload bytes handed to the Kafka producer and not yet acknowledged
 * are counted; above the limit every publishing connection that asks is paused (its socket is no longer
 * read), and below half the limit they are resumed. The limit stays under the producer's buffer.memory so
 * {@code send} never blocks an event loop, and nothing queues without bound while Kafka is slow or down.
 */
public final class PublishFlowControl {

    private final long maxBytes;
    private final AtomicLong pending = new AtomicLong();
    private final Set<Channel> paused = ConcurrentHashMap.newKeySet();

    public PublishFlowControl(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    void reserve(long bytes) {
        pending.addAndGet(bytes);
    }

    void release(long bytes) {
        long now = pending.addAndGet(-bytes);
        if (now <= maxBytes / 2 && !paused.isEmpty()) {
            for (Channel ch : paused) {
                if (paused.remove(ch)) {
                    ch.eventLoop().execute(() -> ch.config().setAutoRead(true));
                }
            }
        }
    }

    /** True when the node is over its limit; the channel is then paused until Kafka catches up. */
    public boolean pauseIfOverLimit(Channel channel) {
        if (pending.get() <= maxBytes) {
            return false;
        }
        channel.config().setAutoRead(false);
        paused.add(channel);
        // Re-check: an acknowledgement may have drained the counter between the test and the add.
        if (pending.get() <= maxBytes / 2 && paused.remove(channel)) {
            channel.config().setAutoRead(true);
            return false;
        }
        return true;
    }
}
