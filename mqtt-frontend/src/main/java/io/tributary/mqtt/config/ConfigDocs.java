/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Writes docs/configuration.md from {@link BrokerConfig#CONFIG_DEF}; run by the build (exec-maven-plugin),
 * so the reference can never drift from the code.
 */
public final class ConfigDocs {

    private ConfigDocs() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/configuration.md");
        Files.createDirectories(out.toAbsolutePath().getParent());
        String markdown = render(BrokerConfig.CONFIG_DEF);
        if (!Files.exists(out) || !Files.readString(out, StandardCharsets.UTF_8).equals(markdown)) {
            Files.writeString(out, markdown, StandardCharsets.UTF_8);
        }
    }

    static String render(ConfigDef def) {
        Map<String, List<ConfigDef.ConfigKey>> groups = new LinkedHashMap<>();
        for (ConfigDef.ConfigKey key : def.configKeys().values()) {
            groups.computeIfAbsent(key.group == null ? "Other" : key.group, g -> new ArrayList<>())
                    .add(key);
        }
        StringBuilder md = new StringBuilder();
        md.append("# Broker configuration reference\n\n")
                .append("<!-- Generated from BrokerConfig.CONFIG_DEF by the build (ConfigDocs). Do not edit. -->\n\n")
                .append("Settings go in a properties file given with `bin/tributary --config FILE`; the command-line ")
                .append("options `--mqtt-port`, `--bind`, `--data-dir`, `--kafka-port` and `--kafka-bootstrap` ")
                .append("override `mqtt.port`, `mqtt.bind`, `data.dir`, `kafka.embedded.port` and ")
                .append("`kafka.bootstrap.servers`; `--set KEY=VALUE` (repeatable) sets any setting over the file. ")
                .append("A key that is not a setting fails the start, naming the nearest one (see `")
                .append(BrokerConfig.STRICT_CONFIG_CONFIG)
                .append("`).\n\n")
                .append("Any setting starting with `")
                .append(BrokerConfig.KAFKA_CLIENT_PREFIX)
                .append("` is passed, ")
                .append("without the prefix, to every Kafka client of the node (for example ")
                .append("`kafka.client.security.protocol=SASL_SSL`). The settings every Kafka client takes (the ")
                .append("connection and its security: `security.protocol`, `sasl.*`, `ssl.*`, timeouts) may also be ")
                .append("written with `kafka.` alone, as `kafka.bootstrap.servers` is: `kafka.security.protocol=")
                .append("SASL_SSL` is the same as `kafka.client.security.protocol=SASL_SSL` (both with two values ")
                .append("fails the start). See [security.md](security.md#kafka-security).\n\n")
                .append("Settings marked **dynamic** can also be set for the whole cluster, live, with ")
                .append("`bin/tributary admin config put NAME VALUE` (or `PUT /v1/configs/NAME`): every node applies ")
                .append("the value within about a second, over its own file; deleting the entry restores it.\n\n")
                .append(
                        "Settings marked **cluster-wide** must agree on every node of a cluster: the first node stores ")
                .append(
                        "its value in the cluster metadata, a node whose file sets another value refuses to start, and ")
                .append("`bin/tributary admin config put NAME VALUE` changes it on every node, live (see ")
                .append("[security.md](security.md#cluster-wide-security-settings)).\n");
        for (Map.Entry<String, List<ConfigDef.ConfigKey>> group : groups.entrySet()) {
            md.append("\n## ")
                    .append(group.getKey())
                    .append("\n\n")
                    .append("| Setting | Type | Default | Valid values | Description |\n")
                    .append("|---|---|---|---|---|\n");
            group.getValue().sort((a, b) -> Integer.compare(a.orderInGroup, b.orderInGroup));
            for (ConfigDef.ConfigKey key : group.getValue()) {
                md.append("| `")
                        .append(key.name)
                        .append("`")
                        .append(BrokerConfig.DYNAMIC_KEYS.contains(key.name) ? " (**dynamic**)" : "")
                        .append(BrokerConfig.CLUSTER_WIDE_KEYS.contains(key.name) ? " (**cluster-wide**)" : "")
                        .append(" | ")
                        .append(key.type.name().toLowerCase())
                        .append(" | ")
                        .append(defaultOf(key))
                        .append(" | ")
                        .append(key.validator == null ? "" : escape(key.validator.toString()))
                        .append(" | ")
                        .append(escape(key.documentation))
                        .append(" |\n");
            }
        }
        return md.toString();
    }

    private static String defaultOf(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        Object v = key.defaultValue;
        String text = v instanceof List<?> list
                ? String.join(",", list.stream().map(Object::toString).toList())
                : String.valueOf(v);
        return text.isEmpty() ? "\"\"" : "`" + text + "`";
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
