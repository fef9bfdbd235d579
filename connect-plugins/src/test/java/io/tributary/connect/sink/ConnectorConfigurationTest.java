/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.connect.docs.ConfigReferenceWriter;
import io.tributary.connect.hdfs.TributaryHdfsSinkConnector;
import io.tributary.connect.s3.TributaryS3SinkConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.sink.SinkConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shipped examples and the ConfigDefs, as an operator meets them. */
class ConnectorConfigurationTest {
    private static final Path EXAMPLES = Path.of("src/main/plugin/examples");
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Z0-9_]+)}");
    private static final Set<String> ALLOWED_ENV = Set.of(
            "S3_ENDPOINT",
            "S3_BUCKET",
            "S3_REGION",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "HDFS_URL",
            "TOPICS");

    private static Map<String, String> exampleConfig(String file) throws Exception {
        JsonNode example = new ObjectMapper().readTree(Files.readString(EXAMPLES.resolve(file)));
        assertTrue(example.get("name").isTextual(), "Connect REST form: name + config");
        Map<String, String> config = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : example.get("config").properties()) {
            config.put(entry.getKey(), entry.getValue().asText());
        }
        return config;
    }

    /** What a worker's EnvVarConfigProvider would make of the placeholders. */
    private static Map<String, String> resolved(Map<String, String> config) {
        Map<String, String> resolved = new HashMap<>();
        config.forEach((key, value) -> {
            Matcher matcher = ENV.matcher(value);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                assertTrue(ALLOWED_ENV.contains(matcher.group(1)), "unexpected variable " + matcher.group(1));
                matcher.appendReplacement(
                        out,
                        switch (matcher.group(1)) {
                            case "S3_ENDPOINT" -> "http://127.0.0.1:9000";
                            case "HDFS_URL" -> "hdfs://127.0.0.1:8020/data";
                            default -> "value";
                        });
            }
            matcher.appendTail(out);
            resolved.put(key, out.toString());
        });
        return resolved;
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3-sink.json", "hdfs-sink.json"})
    void examplesAreValidConnectorConfigsWithByteArrayConvertersAndEnvPlaceholders(String file) throws Exception {
        Map<String, String> config = exampleConfig(file);
        SinkConnector connector =
                file.startsWith("s3") ? new TributaryS3SinkConnector() : new TributaryHdfsSinkConnector();

        assertEquals(connector.getClass().getName(), config.get("connector.class"));
        for (String converter : new String[] {"key.converter", "value.converter", "header.converter"}) {
            assertEquals("org.apache.kafka.connect.converters.ByteArrayConverter", config.get(converter));
        }
        assertEquals("${env:TOPICS}", config.get("topics"));
        assertEquals("parquet", config.get("format"));
        assertTrue(
                config.get("partitioner.path").contains("{1}")
                        && config.get("partitioner.path").contains("{dt}"),
                "partitioned by topic levels and day");
        assertTrue(Long.parseLong(config.get("rotate.schedule.interval.ms")) <= 60_000);
        Config validated = connector.validate(resolved(config));
        for (ConfigValue value : validated.configValues()) {
            assertTrue(value.errorMessages().isEmpty(), value.name() + ": " + value.errorMessages());
        }
        connector.start(resolved(config));
        assertEquals(2, connector.taskConfigs(2).size());
    }

    @Test
    void s3ExampleTakesEverySiteSpecificValueFromTheEnvironment() throws Exception {
        Map<String, String> config = exampleConfig("s3-sink.json");

        assertEquals("${env:S3_ENDPOINT}", config.get("s3.endpoint"));
        assertEquals("${env:S3_BUCKET}", config.get("s3.bucket"));
        assertEquals("${env:S3_REGION}", config.get("s3.region"));
        assertEquals("${env:AWS_ACCESS_KEY_ID}", config.get("s3.access.key.id"));
        assertEquals("${env:AWS_SECRET_ACCESS_KEY}", config.get("s3.secret.access.key"));
        assertEquals("${env:HDFS_URL}", exampleConfig("hdfs-sink.json").get("hdfs.url"));
    }

    @Test
    void everySettingHasDocumentationAndEitherADefaultOrIsRequired() {
        for (ConfigDef def :
                new ConfigDef[] {new TributaryS3SinkConnector().config(), new TributaryHdfsSinkConnector().config()}) {
            for (ConfigDef.ConfigKey key : def.configKeys().values()) {
                assertFalse(key.documentation == null || key.documentation.isBlank(), key.name);
                assertTrue(key.hasDefault() || Set.of("s3.bucket", "hdfs.url").contains(key.name), key.name);
            }
        }
    }

    @Test
    void compressionTheFormatCannotDoFailsTheConnectorAtStart() throws Exception {
        Map<String, String> config = resolved(exampleConfig("s3-sink.json"));
        config.put("format", "jsonl");
        config.put("format.compression", "snappy");

        ConfigException error = assertThrows(ConfigException.class, () -> new TributaryS3SinkConnector().start(config));
        assertTrue(error.getMessage().contains("format.compression"), error.getMessage());
    }

    @Test
    void generatedReferenceInDocsIsCurrentAndNamesEverySetting() throws Exception {
        String reference = ConfigReferenceWriter.render();

        assertEquals(
                reference,
                Files.readString(Path.of("../docs/tiering-config.md")),
                "docs/tiering-config.md is regenerated by the build (process-classes)");
        for (ConfigDef def :
                new ConfigDef[] {new TributaryS3SinkConnector().config(), new TributaryHdfsSinkConnector().config()}) {
            for (String name : def.names()) {
                assertTrue(reference.contains("| `" + name + "` |"), name);
            }
        }
    }
}
