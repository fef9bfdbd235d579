/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;

class TableRoutesTest {
    private static final TableIdentifier TEMPERATURE = TableIdentifier.of("iot", "temperature");
    private static final TableIdentifier SENSORS = TableIdentifier.of("iot", "sensors");
    private static final TableIdentifier MESSAGES = TableIdentifier.of("iot", "messages");

    private final TableRoutes routes = TableRoutes.of(
            List.of(
                    new TableRoutes.Route("temperature", "sensors/+/temperature", TEMPERATURE),
                    new TableRoutes.Route("sensors", "sensors/#", SENSORS)),
            MESSAGES);

    @Test
    void firstMatchingRouteWins() {
        assertThat(routes.tableFor("sensors/s1/temperature")).contains(TEMPERATURE);
        assertThat(routes.tableFor("sensors/s1/humidity")).contains(SENSORS);
        assertThat(routes.tableFor("sensors"))
                .as("'a/#' matches 'a' [MQTT-4.7.1-2]")
                .contains(SENSORS);
    }

    @Test
    void unmatchedTopicsGoToTheDefaultTableOrNowhere() {
        assertThat(routes.tableFor("lights/l1/state")).contains(MESSAGES);
        assertThat(routes.tableFor("sensors/s1/temperature/extra")).contains(SENSORS);

        TableRoutes withoutDefault =
                TableRoutes.of(List.of(new TableRoutes.Route("t", "sensors/+/temperature", TEMPERATURE)), null);
        assertThat(withoutDefault.tableFor("sensors/s1/temperature/extra")).isEmpty();
        assertThat(withoutDefault.tableFor("sensors/temperature")).isEmpty();
    }

    @Test
    void wildcardsAtTheStartDoNotMatchDollarTopics() {
        TableRoutes all = TableRoutes.of(List.of(new TableRoutes.Route("all", "#", SENSORS)), null);

        assertThat(all.tableFor("$SYS/broker/uptime")).as("[MQTT-4.7.2-1]").isEmpty();
        assertThat(all.tableFor("a/b")).contains(SENSORS);
    }

    @Test
    void emptyLevelsAreLevelsToo() {
        TableRoutes plus = TableRoutes.of(List.of(new TableRoutes.Route("p", "a/+/c", SENSORS)), null);

        assertThat(plus.tableFor("a//c")).contains(SENSORS);
        assertThat(plus.tableFor("a/c")).isEmpty();
    }

    @Test
    void tablesListsRoutesThenDefaultOnce() {
        TableRoutes twice = TableRoutes.of(
                List.of(new TableRoutes.Route("a", "a/#", MESSAGES), new TableRoutes.Route("b", "b/#", SENSORS)),
                MESSAGES);

        assertThat(twice.tables()).containsExactly(MESSAGES, SENSORS);
    }

    @Test
    void badFilterNamesItsRoute() {
        assertThatThrownBy(() -> TableRoutes.of(List.of(new TableRoutes.Route("temp", "sensors/#/x", SENSORS)), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("route 'temp'")
                .hasMessageContaining("MQTT-4.7.1-1");
        assertThatThrownBy(() -> TableRoutes.of(List.of(new TableRoutes.Route("temp", "sensors/a+", SENSORS)), null))
                .hasMessageContaining("MQTT-4.7.1-2");
    }
}
