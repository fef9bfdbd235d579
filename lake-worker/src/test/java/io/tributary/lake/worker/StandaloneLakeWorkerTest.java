/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker logs in to Kafka as the node does: the node's client settings reach every client of Connect. */
class StandaloneLakeWorkerTest {

    @TempDir
    Path work;

    @Test
    void theNodesKafkaSettingsReachTheWorkerAndTheClientsOfItsConnectors() {
        // As the node writes TRIBUTARY_LAKE_KAFKA_CLIENT (java.util.Properties, '=' and ':' escaped).
        Map<String, String> node = LakeWorkerMain.kafkaClientSettings("#\n"
                + "security.protocol=SASL_SSL\n"
                + "sasl.mechanism=SCRAM-SHA-256\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username\\=\"lake\" password\\=\"pw\";\n");
        assertThat(node)
                .containsEntry(
                        "sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule "
                                + "required username=\"lake\" password=\"pw\";");

        Map<String, String> props = StandaloneLakeWorker.workerProps(new LakeLayout(work), "kafka-1:9093", 8083, node);
        for (String prefix : new String[] {"", "consumer.", "producer.", "admin."}) {
            assertThat(props)
                    .containsEntry(prefix + "security.protocol", "SASL_SSL")
                    .containsEntry(prefix + "sasl.mechanism", "SCRAM-SHA-256")
                    .containsKey(prefix + "sasl.jaas.config");
        }
        assertThat(props).containsEntry("bootstrap.servers", "kafka-1:9093");
    }

    @Test
    void withoutTheNodesSettingsTheWorkerConnectsAsBefore() {
        assertThat(LakeWorkerMain.kafkaClientSettings(null)).isEmpty();
        Map<String, String> props =
                StandaloneLakeWorker.workerProps(new LakeLayout(work), "127.0.0.1:9092", 8083, Map.of());
        assertThat(props).doesNotContainKeys("security.protocol", "consumer.security.protocol");
        assertThat(props).containsEntry("bootstrap.servers", "127.0.0.1:9092");
    }
}
