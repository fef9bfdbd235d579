/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.iceberg.SinkInput;
import io.tributary.record.MqttRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.inmemory.InMemoryCatalog;

/** Records and an in-memory table to convert them into, applying schema plans as the sink does. */
final class RowFixtures {

    static final long TIMESTAMP = 1_700_000_000_123L;

    private RowFixtures() {}

    /** A plain Kafka record: key = topic, value = payload, no headers. */
    static SinkInput plain(String topic, String payload) {
        MqttRecord mqtt = new MqttRecord(
                topic,
                payload.getBytes(StandardCharsets.UTF_8),
                1,
                false,
                null,
                false,
                null,
                null,
                null,
                null,
                List.of());
        return new SinkInput("mqtt.messages", 0, 42, TIMESTAMP, mqtt);
    }

    static Table table(Schema schema) {
        InMemoryCatalog catalog = new InMemoryCatalog();
        catalog.initialize("test", Map.of());
        catalog.createNamespace(Namespace.of("iot"));
        return catalog.createTable(TableIdentifier.of("iot", "messages"), schema);
    }

    /** Converts as the sink does: apply each plan, refresh, convert again; fails on a rejection. */
    static GenericRecord write(RowConverter converter, Table table, SinkInput input) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Conversion conversion = converter.convert(input, table.schema());
            if (conversion instanceof Conversion.Row row) {
                assertThat(row.record().struct()).isEqualTo(table.schema().asStruct());
                return row.record();
            }
            assertThat(conversion).isInstanceOf(SchemaPlan.class);
            ((SchemaPlan) conversion).applyTo(table.updateSchema()).commit();
            table.refresh();
        }
        throw new AssertionError("no row after 5 schema plans for " + input);
    }
}
