/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the node's compacted topics (retained, sessions) to their end at start, then keeps tailing them on
 * one thread of its own, the way Connect's KafkaBasedLog does: every record, tombstones included, goes to the
 * handler of its topic, in partition order. Several nodes share these topics, so a node learns what the
 * others wrote (a retained message set elsewhere, a session claimed by another node) from this tail.
 * Handlers run on the tail thread and must not block; the stores they update are read by event loops.
 * Hand-written rather than Connect's {@code KafkaBasedLog} because that class lives in connect-runtime,
 * a large dependency for one consumer loop.
 */
public final class CompactedTopicTail implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CompactedTopicTail.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Consumer<ConsumerRecord<byte[], byte[]>>> handlers;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private volatile boolean running = true;
    private Thread thread;

    /**
     * @param topics   partition count of each topic to read
     * @param handlers the handler of each topic
     */
    public CompactedTopicTail(
            Map<String, Object> clientProps,
            String nodeId,
            Map<String, Integer> topics,
            Map<String, Consumer<ConsumerRecord<byte[], byte[]>>> handlers) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "tributary-" + nodeId + "-compacted");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.handlers = Map.copyOf(handlers);
        topics.forEach((topic, count) -> {
            for (int p = 0; p < count; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
        });
    }

    /** Reads every topic from its beginning to its end as of this call (blocking; at start, not on an event loop). */
    public void loadToEnd() {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(60));
        while (!reachedEnd(end)) {
            dispatch(consumer.poll(Duration.ofMillis(200)));
        }
    }

    /** From now on, keeps applying what any node writes to these topics. */
    public void startTailing() {
        thread = new Thread(this::tail, "tributary-compacted-tail");
        thread.setDaemon(true);
        thread.start();
    }

    private void tail() {
        try {
            while (running) {
                dispatch(consumer.poll(Duration.ofMillis(500)));
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                LOG.error(
                        "Tailing the compacted topics stopped: this node no longer sees other nodes' retained "
                                + "messages and session claims",
                        e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void dispatch(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Consumer<ConsumerRecord<byte[], byte[]>> handler = handlers.get(record.topic());
            try {
                handler.accept(record);
            } catch (RuntimeException e) {
                LOG.warn(
                        "Skipping record {}-{}@{}: {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        e.toString());
            }
        }
    }

    private boolean reachedEnd(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), Duration.ofSeconds(60)) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Stops the tail thread (the consumer is closed by it); for a tail never started, closes the consumer. */
    @Override
    public void close() {
        running = false;
        if (thread == null) {
            consumer.close(Duration.ofSeconds(2));
            return;
        }
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
