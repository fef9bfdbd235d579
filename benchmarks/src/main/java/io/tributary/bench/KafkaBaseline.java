/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Step 1: how fast a plain idempotent KafkaProducer writes the same records the broker would
 * (acks=all, key = MQTT topic name, value = payload) to the same topic. The MQTT QoS 1 ingest rate
 * is reported as a ratio to this, which factors the Kafka cluster itself out of the comparison.
 */
public final class KafkaBaseline {

    /** Everything the baseline needs; {@code keys} are the MQTT topic names used as record keys. */
    public record Settings(
            String bootstrap,
            String topic,
            int sizeBytes,
            long messages,
            int lingerMs,
            List<String> keys,
            Duration reachTimeout,
            Duration phaseTimeout) {}

    private KafkaBaseline() {}

    public static BaselineResult run(Settings settings) {
        final String unreachable = checkReachable(settings);
        if (unreachable != null) {
            return BaselineResult.skipped(unreachable);
        }
        final byte[][] keys = settings.keys().stream()
                .map(key -> key.getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new);
        final byte[] value = Payloads.filler(settings.sizeBytes());
        final AtomicLong acked = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong lastAckNanos = new AtomicLong();
        final long deadline = System.nanoTime() + settings.phaseTimeout().toNanos();

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(settings))) {
            // One synchronous record first: metadata fetch and producer-id init are not throughput.
            producer.send(new ProducerRecord<>(settings.topic(), keys[0], value))
                    .get(settings.phaseTimeout().toMillis(), TimeUnit.MILLISECONDS);

            final long start = System.nanoTime();
            long sent = 0;
            PhaseStatus status = PhaseStatus.COMPLETED;
            String note = "";
            for (long i = 0; i < settings.messages(); i++) {
                if (System.nanoTime() - deadline > 0) {
                    status = PhaseStatus.TIMED_OUT;
                    note = "stopped sending at the phase timeout";
                    break;
                }
                producer.send(
                        new ProducerRecord<>(settings.topic(), keys[(int) (i % keys.length)], value),
                        (metadata, error) -> {
                            if (error == null) {
                                acked.incrementAndGet();
                                lastAckNanos.set(System.nanoTime());
                            } else {
                                failed.incrementAndGet();
                            }
                        });
                sent++;
            }
            // Poll rather than flush(): flush() is bounded only by delivery.timeout.ms, not our deadline.
            while (acked.get() + failed.get() < sent && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            if (acked.get() + failed.get() < sent) {
                status = PhaseStatus.TIMED_OUT;
                note = (sent - acked.get() - failed.get()) + " records unacknowledged at the phase timeout";
            }
            if (failed.get() > 0 && note.isEmpty()) {
                note = failed.get() + " records failed";
            }
            producer.close(Duration.ofSeconds(5));
            final long elapsed = acked.get() == 0 ? 0 : lastAckNanos.get() - start;
            return new BaselineResult(
                    status, note, settings.sizeBytes(), settings.messages(), acked.get(), failed.get(), elapsed);
        } catch (Exception e) {
            final Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return new BaselineResult(
                    PhaseStatus.FAILED,
                    "producer failed: " + cause,
                    settings.sizeBytes(),
                    settings.messages(),
                    acked.get(),
                    failed.get(),
                    0);
        }
    }

    /** Returns why the baseline cannot run, or null when Kafka answers and the topic exists. */
    private static String checkReachable(Settings settings) {
        final long timeoutMs = settings.reachTimeout().toMillis();
        final Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, timeoutMs);
        try (Admin admin = Admin.create(props)) {
            try {
                admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                return "Kafka at " + settings.bootstrap() + " unreachable (no answer within " + timeoutMs + " ms)";
            }
            try {
                admin.describeTopics(List.of(settings.topic())).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return "topic '" + settings.topic() + "' does not exist on Kafka at " + settings.bootstrap()
                            + " (start the broker first, or pass --kafka-topic)";
                }
                return "cannot describe topic '" + settings.topic() + "': " + e.getCause();
            } catch (Exception e) {
                return "cannot describe topic '" + settings.topic() + "': " + e;
            }
        }
        return null;
    }

    private static Properties producerConfig(Settings settings) {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, settings.lingerMs());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "tributary-bench-baseline");
        // Keep a dead cluster from blocking send() longer than the phase is allowed to take.
        final int requestTimeoutMs = 15_000;
        final long phaseMs = settings.phaseTimeout().toMillis();
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(phaseMs, 30_000L));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int)
                Math.max(phaseMs, requestTimeoutMs + settings.lingerMs() + 1_000L));
        return props;
    }
}
