/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.mqtt.topic.TopicName;
import io.tributary.placement.DurationText;
import io.tributary.record.MqttHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records of a message topic that name no valid MQTT topic (a plain producer's key {@code bad/#}, a record into
 * {@code $SYS}): not delivered, counted ({@code RecordsWithoutTopic}) and logged, at most one line per interval so
 * a producer writing thousands of them does not flood the log. The line names the record and why.
 */
final class UndeliverableRecords {

    private static final Logger LOG = LoggerFactory.getLogger(UndeliverableRecords.class);
    static final Duration LOG_INTERVAL = Duration.ofMinutes(1);
    private static final int SHOWN_CHARS = 200;

    private final AtomicLong counter;
    private final Consumer<String> log;
    private final LongSupplier nanoTime;
    private final long intervalNanos;
    private long nextLineAt;
    private boolean logged;
    private long unloggedSinceLastLine;

    /** Logs to this class's logger at WARN. */
    UndeliverableRecords(AtomicLong counter) {
        this(counter, LOG::warn, System::nanoTime, LOG_INTERVAL);
    }

    /**
     * @param counter the node's {@code RecordsWithoutTopic}
     * @param log     where a line goes
     */
    UndeliverableRecords(AtomicLong counter, Consumer<String> log, LongSupplier nanoTime, Duration interval) {
        this.counter = counter;
        this.log = log;
        this.nanoTime = nanoTime;
        this.intervalNanos = interval.toNanos();
    }

    /** Counts the record and logs it unless a line was written within the interval. */
    synchronized void drop(ConsumerRecord<byte[], byte[]> record, TopicRouter router) {
        counter.incrementAndGet();
        long now = nanoTime.getAsLong();
        if (logged && now - nextLineAt < 0) {
            unloggedSinceLastLine++;
            return;
        }
        log.accept("Not delivering the record at " + record.topic() + "-" + record.partition() + " offset "
                + record.offset() + ": " + why(record, router) + ". Counted in RecordsWithoutTopic; at most one such "
                + "line per " + DurationText.of(Duration.ofNanos(intervalNanos))
                + (unloggedSinceLastLine == 0 ? "" : " (" + unloggedSinceLastLine + " more since the last one)"));
        logged = true;
        nextLineAt = now + intervalNanos;
        unloggedSinceLastLine = 0;
    }

    /** Why {@link ShardReader#decode} found no MQTT topic in the record. */
    static String why(ConsumerRecord<byte[], byte[]> record, TopicRouter router) {
        Header header = record.headers().lastHeader(MqttHeaders.TOPIC);
        String topic;
        String source;
        if (header != null && header.value() != null) {
            topic = new String(header.value(), StandardCharsets.UTF_8);
            source = "its " + MqttHeaders.TOPIC + " header";
        } else if (record.key() == null) {
            return "it has neither a key nor an " + MqttHeaders.TOPIC + " header";
        } else {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            String mapped = router.mqttTopicFor(record.topic(), record.key());
            topic = mapped == null ? key : mapped;
            source = "its key";
        }
        String invalid = TopicName.invalidReason(topic);
        String shown = topic.length() > SHOWN_CHARS ? topic.substring(0, SHOWN_CHARS) + "..." : topic;
        return invalid != null
                ? source + " '" + shown + "' is not a valid MQTT topic name (" + invalid + ")"
                : source + " '" + shown + "' is in the $SYS tree, which each node fills with its own statistics";
    }
}
