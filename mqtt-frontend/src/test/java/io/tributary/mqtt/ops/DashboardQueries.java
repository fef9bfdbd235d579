/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names docs/grafana/tributary-dashboard.json queries, and those a scrape lacks. */
final class DashboardQueries {

    static final Path DASHBOARD = Path.of("..", "docs", "grafana", "tributary-dashboard.json");
    /** The dashboard's metrics: the broker's own, the Kafka clients', the JVM's, Netty's and the process's. */
    private static final Pattern METRIC = Pattern.compile("\\b(?:tributary|kafka|jvm|netty|process|system)_[a-z0-9_]+");

    private DashboardQueries() {}

    static Set<String> metricNames() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        Set<String> names = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            Matcher m = METRIC.matcher(expr.asText());
            while (m.find()) {
                names.add(m.group());
            }
        }
        for (JsonNode query : dashboard.findValues("definition")) {
            Matcher m = METRIC.matcher(query.asText());
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    /** The dashboard's metric names that no sample of {@code scrape} has. */
    static Set<String> missingFrom(String scrape) throws IOException {
        Set<String> missing = new TreeSet<>(metricNames());
        missing.removeIf(name -> OpsHttp.has(OpsHttp.samples(scrape), name));
        return missing;
    }
}
