/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeConnectorConfigTest {

    @TempDir
    Path work;

    @Test
    void theGeneratedConnectorWritesTheNodesTopicsIntoOneLocalTableWithinSeconds() {
        LakeLayout layout = new LakeLayout(work.resolve("lake"));

        Map<String, String> config =
                LakeConnectorConfig.of(layout, List.of("mqtt.messages", "factory.telemetry"), Map.of());

        assertThat(config)
                .containsEntry("name", "mqtt-lake")
                .containsEntry("connector.class", "io.tributary.connect.iceberg.TributaryIcebergSinkConnector")
                .containsEntry("topics", "mqtt.messages,factory.telemetry")
                .containsEntry("iceberg.catalog.type", "jdbc")
                .containsEntry("iceberg.catalog.name", "lake")
                .containsEntry(
                        "iceberg.catalog.uri",
                        "jdbc:sqlite:" + work.resolve("lake/catalog.db").toAbsolutePath())
                .containsEntry(
                        "iceberg.catalog.warehouse",
                        work.resolve("lake/warehouse").toAbsolutePath().toString())
                .containsEntry("iceberg.tables", "mqtt.messages")
                .containsEntry("iceberg.topic.levels", "level1,level2,level3,level4,level5")
                .containsEntry("iceberg.payload.format", "json")
                .containsEntry("iceberg.commit.interval-ms", "5000");
    }

    @Test
    void theOverridesFileStartsAsACommentedTemplateAndThenWins() throws Exception {
        LakeLayout layout = new LakeLayout(work.resolve("lake"));
        layout.prepare();
        Map<String, String> generated = LakeConnectorConfig.defaults(layout, List.of("mqtt.messages"));

        assertThat(LakeConnectorConfig.readOverrides(layout.connectorOverrides(), generated))
                .isEmpty();
        assertThat(Files.readString(layout.connectorOverrides()))
                .contains("# iceberg.commit.interval-ms=5000")
                .contains("# iceberg.tables=mqtt.messages");

        Files.writeString(
                layout.connectorOverrides(),
                "iceberg.commit.interval-ms = 2000\niceberg.topic.levels=site,device\ntopics.regex=mqtt\\\\..*\n",
                java.nio.file.StandardOpenOption.APPEND);
        Map<String, String> config = LakeConnectorConfig.of(
                layout,
                List.of("mqtt.messages"),
                LakeConnectorConfig.readOverrides(layout.connectorOverrides(), generated));

        assertThat(config)
                .containsEntry("iceberg.commit.interval-ms", "2000")
                .containsEntry("iceberg.topic.levels", "site,device")
                .containsEntry("topics.regex", "mqtt\\..*")
                .doesNotContainKey("topics")
                .containsEntry("name", "mqtt-lake");
    }
}
