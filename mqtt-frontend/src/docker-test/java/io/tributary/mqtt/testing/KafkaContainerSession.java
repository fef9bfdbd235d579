/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.testing;

import org.jspecify.annotations.Nullable;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The {@code -Pdocker} build's Kafka: one container of the image named by the system property
 * {@code kafka.container.image} (apache/kafka at the build's Kafka version), started when the test JVM's launcher
 * session opens and handed to every test class through {@link KafkaTestCluster#EXTERNAL_BOOTSTRAP_PROPERTY}.
 * Registered through {@code META-INF/services}, which only the docker profile puts on the class path.
 */
public final class KafkaContainerSession implements LauncherSessionListener {

    private static @Nullable KafkaContainer kafka;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        startOnce();
    }

    private static synchronized void startOnce() {
        if (kafka != null) {
            return;
        }
        String image = System.getProperty("kafka.container.image");
        if (image == null) {
            throw new IllegalStateException("system property kafka.container.image is not set (see the docker "
                    + "profile of mqtt-frontend/pom.xml)");
        }
        KafkaContainer container = new KafkaContainer(image)
                // As the in-process test cluster (KafkaTestCluster): no rebalance delay, topics only by the node.
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_LOG_CLEANER_BACKOFF_MS", "1000")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1");
        container.start();
        kafka = container;
        System.setProperty(KafkaTestCluster.EXTERNAL_BOOTSTRAP_PROPERTY, container.getBootstrapServers());
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "kafka-container-stop"));
    }
}
