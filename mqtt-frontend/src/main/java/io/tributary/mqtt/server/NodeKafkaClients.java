/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.ExactlyOnceSettings;
import io.tributary.mqtt.config.KafkaClientSettings;
import io.tributary.mqtt.kafka.TransactionalWriter;
import io.tributary.mqtt.ops.NodeMeters;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's shared Kafka clients: the settings every client starts from, the admin client, the producer of
 * every plain record, and the transactional writer of QoS 2 exchanges when {@code qos2.exactly.once} is on.
 * Readers have their own consumers (NodeReaders, the compacted topic log).
 */
final class NodeKafkaClients {

    private static final Logger LOG = LoggerFactory.getLogger(NodeKafkaClients.class);

    private final BrokerConfig config;
    private final Map<String, Object> props;
    private final Admin admin;
    private @Nullable KafkaProducer<byte[], byte[]> producer;
    private @Nullable TransactionalWriter transactions;

    NodeKafkaClients(BrokerConfig config, String bootstrapServers) {
        this.config = config;
        this.props = KafkaClientSettings.common(config, bootstrapServers);
        this.admin = Admin.create(props);
    }

    /** The settings every Kafka client of the node starts from. */
    Map<String, Object> props() {
        return props;
    }

    Admin admin() {
        return admin;
    }

    KafkaProducer<byte[], byte[]> startProducer(NodeMeters meters) {
        producer = new KafkaProducer<>(
                KafkaClientSettings.producer(config, props), new ByteArraySerializer(), new ByteArraySerializer());
        meters.bindKafka(producer, "producer");
        return producer;
    }

    /** The transactional writer when {@code qos2.exactly.once} is on, else null. */
    @Nullable
    TransactionalWriter startExactlyOnce(String sessionsTopic, int sessionPartitions) {
        transactions = TransactionalWriter.fromConfig(config, KafkaClientSettings.producer(config, props));
        if (transactions != null) { // its previous incarnation's open transactions are aborted: wait for the markers
            TransactionalWriter.awaitDecided(
                    admin,
                    Map.of(sessionsTopic, sessionPartitions),
                    Duration.ofMillis(config.getInt(ExactlyOnceSettings.TIMEOUT_CONFIG)));
        }
        return transactions;
    }

    /** Stops the transactional writer, then flushes the producer; call after the sessions' final records. */
    void closeWriters() {
        if (transactions != null) {
            try {
                transactions.close();
            } catch (RuntimeException e) {
                LOG.debug("close failed", e);
            }
        }
        if (producer != null) {
            producer.flush();
            producer.close(Duration.ofSeconds(10));
        }
    }

    /** Drops what is not yet sent, as a killed process would: later sends fail. */
    void crashWriters() {
        if (producer != null) {
            producer.close(Duration.ZERO);
        }
        if (transactions != null) {
            transactions.crash();
        }
    }

    /** Last: the cluster metadata (Placement) was started on this admin client. */
    void closeAdmin(Duration timeout) {
        admin.close(timeout);
    }
}
