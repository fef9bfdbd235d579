/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.jspecify.annotations.Nullable;

/**
 * A real in-process KRaft Kafka (one controller, one broker, separate so the broker can be stopped and
 * started while the controller keeps the metadata). One per test class.
 *
 * <p>With the system property {@value #EXTERNAL_BOOTSTRAP_PROPERTY} set (the {@code -Pdocker} build sets it to a
 * Kafka container it started), every class uses that Kafka instead; the classes' topics are their own
 * ({@link TestBroker#isolatedSettings()}), so they can share it. Such a Kafka cannot be stopped from a test.
 */
public final class KafkaTestCluster implements AutoCloseable {

    public static final String EXTERNAL_BOOTSTRAP_PROPERTY = "tributary.it.kafka.bootstrap";

    /** Null for an external Kafka. */
    private final @Nullable KafkaClusterTestKit kit;

    private final @Nullable String externalBootstrapServers;

    private KafkaTestCluster(@Nullable KafkaClusterTestKit kit, @Nullable String externalBootstrapServers) {
        this.kit = kit;
        this.externalBootstrapServers = externalBootstrapServers;
    }

    public static KafkaTestCluster start() {
        return start(1);
    }

    /**
     * A cluster of {@code brokers} brokers (ids 0 to brokers - 1) and one controller. With three or more,
     * internal topics are replicated three times and {@code min.insync.replicas} is 2, as in production.
     */
    public static KafkaTestCluster start(int brokers) {
        String external = System.getProperty(EXTERNAL_BOOTSTRAP_PROPERTY);
        if (external != null) {
            if (brokers != 1) {
                throw new IllegalStateException("the Kafka at " + external + " is one broker; this test needs "
                        + brokers + ": run it without " + EXTERNAL_BOOTSTRAP_PROPERTY);
            }
            return new KafkaTestCluster(null, external);
        }
        String rf = brokers >= 3 ? "3" : "1";
        try {
            KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                            .setCombined(false)
                            .setNumControllerNodes(1)
                            .setNumBrokerNodes(brokers)
                            .build())
                    .setConfigProp("offsets.topic.replication.factor", rf)
                    .setConfigProp("transaction.state.log.replication.factor", rf)
                    .setConfigProp("transaction.state.log.min.isr", brokers >= 3 ? "2" : "1")
                    // Nodes write sessions in transactions: a small coordinator topic is created faster.
                    .setConfigProp("transaction.state.log.num.partitions", "4")
                    .setConfigProp("min.insync.replicas", brokers >= 3 ? "2" : "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setConfigProp("log.cleaner.backoff.ms", "1000")
                    // Share groups (shared subscriptions): the share coordinator's state topic on one broker.
                    .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                    .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                    // Lets a test give its share group a lock of seconds (share.record.lock.duration.ms), so that a
                    // record of a dead member comes back soon; the default lock (30 s) is unchanged.
                    .setConfigProp("group.share.min.record.lock.duration.ms", "1000")
                    .build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            return new KafkaTestCluster(kit, null);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the test Kafka cluster", e);
        }
    }

    /**
     * One broker whose client listener speaks SASL_PLAINTEXT, with SCRAM-SHA-256 beside the test kit's PLAIN (its
     * own clients log in as PLAIN {@code plain-admin}) and an authorizer that denies what no ACL allows; SCRAM users
     * and their ACLs are made with {@link #admin()}. Always
     * in-process (an external Kafka has no SASL listener).
     */
    public static KafkaTestCluster startWithSasl() {
        try {
            KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                            .setCombined(false)
                            .setNumControllerNodes(1)
                            .setNumBrokerNodes(1)
                            .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                            .build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                    .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                    .setConfigProp("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256")
                    .setConfigProp("sasl.mechanism.inter.broker.protocol", "PLAIN")
                    // The kit gives the SASL broker an authorizer; the controller needs one too, as it applies
                    // the ACLs Admin#createAcls makes. Its listener is PLAINTEXT: the broker reaches it as ANONYMOUS.
                    .setConfigProp("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                    .setConfigProp("super.users", "User:plain-admin;User:ANONYMOUS")
                    .build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            return new KafkaTestCluster(kit, null);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the test Kafka cluster with SASL", e);
        }
    }

    /** An admin client of the cluster's own (on a SASL cluster: logged in as its PLAIN admin). */
    public Admin admin() {
        return kit().admin();
    }

    public String bootstrapServers() {
        return kit != null ? kit.bootstrapServers() : externalBootstrapServers;
    }

    private KafkaClusterTestKit kit() {
        if (kit == null) {
            throw new IllegalStateException(
                    "the Kafka at " + externalBootstrapServers + " is not this test's to stop or start");
        }
        return kit;
    }

    /** Stops the only broker: the cluster is unavailable until {@link #startBroker()}. */
    public void stopBroker() {
        kit().brokers().values().forEach(b -> {
            b.shutdown();
            b.awaitShutdown();
        });
    }

    public void startBroker() {
        kit().brokers().values().forEach(b -> b.startup());
        try {
            kit().waitForReadyBrokers();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops one broker (a controlled shutdown); the others take over its partitions. */
    public void stopBroker(int id) {
        var b = kit().brokers().get(id);
        b.shutdown();
        b.awaitShutdown();
    }

    /** Starts a broker stopped by {@link #stopBroker(int)} again. */
    public void startBroker(int id) {
        kit().brokers().get(id).startup();
    }

    public KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Every record currently in the topic (all partitions), read with a plain consumer. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return readAll(topic, consumer());
    }

    /** Every committed record of the topic: what a read_committed application sees (no aborted transaction). */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return readAll(topic, new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, KafkaConsumer<byte[], byte[]> c) {
        try (KafkaConsumer<byte[], byte[]> consumer = c) {
            List<TopicPartition> tps = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    @Override
    public void close() throws Exception {
        if (kit != null) {
            kit.close();
        }
    }
}
