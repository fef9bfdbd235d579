/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import io.tributary.record.MqttTopicFilter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.catalog.TableIdentifier;
import org.jspecify.annotations.Nullable;

/**
 * Which table a record goes to, by its MQTT topic: the first route whose topic filter matches, else the
 * default table, else none (the caller sends the record to the dead-letter queue).
 */
public final class TableRoutes {
    /** One route: records whose MQTT topic matches {@code filter} go to {@code table}. */
    public record Route(String name, String filter, TableIdentifier table) {}

    private record CompiledRoute(MqttTopicFilter filter, TableIdentifier table) {}

    private final List<CompiledRoute> routes;
    private final @Nullable TableIdentifier defaultTable;

    private TableRoutes(List<CompiledRoute> routes, @Nullable TableIdentifier defaultTable) {
        this.routes = routes;
        this.defaultTable = defaultTable;
    }

    /**
     * @param routes       in priority order
     * @param defaultTable for records no route matches; null drops them to the dead-letter queue
     * @throws IllegalArgumentException naming the route whose filter is not a valid MQTT topic filter
     */
    public static TableRoutes of(List<Route> routes, @Nullable TableIdentifier defaultTable) {
        List<CompiledRoute> compiled = new ArrayList<>();
        for (Route route : routes) {
            try {
                compiled.add(new CompiledRoute(MqttTopicFilter.parse(route.filter()), route.table()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("route '" + route.name() + "': " + e.getMessage(), e);
            }
        }
        return new TableRoutes(List.copyOf(compiled), defaultTable);
    }

    /** The table for a record published on {@code mqttTopic}. */
    public Optional<TableIdentifier> tableFor(String mqttTopic) {
        for (CompiledRoute route : routes) {
            if (route.filter().matches(mqttTopic)) {
                return Optional.of(route.table());
            }
        }
        return Optional.ofNullable(defaultTable);
    }

    /** Every table a record can be routed to, routes first, in order. */
    public Set<TableIdentifier> tables() {
        Set<TableIdentifier> tables = new LinkedHashSet<>();
        routes.forEach(route -> tables.add(route.table()));
        if (defaultTable != null) {
            tables.add(defaultTable);
        }
        return tables;
    }

    public Optional<TableIdentifier> defaultTable() {
        return Optional.ofNullable(defaultTable);
    }
}
