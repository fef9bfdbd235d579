/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The one-command embedded Kafka supports share groups, which shared subscriptions run on, out of the box. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
final class EmbeddedKafkaShareGroupsTest {

    @TempDir
    Path dataDir;

    @Test
    void shareVersionFeatureIsEnabled() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (EmbeddedKafka kafka = new EmbeddedKafka(dataDir, "127.0.0.1", port)) {
            kafka.start();
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                FinalizedVersionRange share = admin.describeFeatures()
                        .featureMetadata()
                        .get(30, TimeUnit.SECONDS)
                        .finalizedFeatures()
                        .get("share.version");
                assertThat(share).as("finalized share.version").isNotNull();
                assertThat(share.maxVersionLevel()).isGreaterThanOrEqualTo((short) 1);
            }
        }
    }
}
