/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.iceberg.IcebergSinkConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalogServer;
import org.apache.iceberg.rest.RESTServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A REST catalog: Iceberg's own test server (JDBC on SQLite behind it, local warehouse). */
class RestCatalogIT {
    private static final Path WAREHOUSE =
            Path.of("target", "rest-catalog-it", UUID.randomUUID().toString()).toAbsolutePath();

    @RegisterExtension
    static final RESTServerExtension SERVER = new RESTServerExtension(
            Map.of(RESTCatalogServer.REST_PORT, RESTServerExtension.FREE_PORT, "warehouse", WAREHOUSE.toString()));

    private static Catalog catalog() {
        String uri = "http://127.0.0.1:" + SERVER.config().get(RESTCatalogServer.REST_PORT);
        IcebergSinkConfig config = new IcebergSinkConfig(Map.of(
                "iceberg.catalog.type", "rest",
                "iceberg.catalog.uri", uri,
                "iceberg.tables", "iot.messages"));
        return Catalogs.load(config.catalogSettings());
    }

    @Test
    void createsNestedNamespaceAndTableAndRoundTripsRows() {
        TableIdentifier id = TableIdentifier.of(Namespace.of("plant", "iot"), "messages");

        Table table = TableProvisioner.ensure(
                catalog(), id, TableFixtures.SCHEMA, PartitionSpecs.parse(TableFixtures.SCHEMA, "hour(ts)"), List.of());
        TableFixtures.assertRoundTrip(table);

        Catalog other = catalog();
        assertThat(((SupportsNamespaces) other).namespaceExists(Namespace.of("plant")))
                .isTrue();
        Table again =
                TableProvisioner.ensure(other, id, TableFixtures.SCHEMA, PartitionSpec.unpartitioned(), List.of());
        assertThat(again.uuid()).isEqualTo(table.uuid());
        assertThat(again.spec().fields()).as("an existing table keeps its spec").hasSize(1);
        assertThat(TableFixtures.readAll(again)).hasSize(2);
        assertThat(table.properties()).containsEntry("write.metadata.delete-after-commit.enabled", "true");
    }

    @Test
    void upsertTableGetsItsIdentifierFields() {
        Table table = TableProvisioner.ensure(
                catalog(),
                TableIdentifier.of("iot", "latest"),
                TableFixtures.SCHEMA,
                PartitionSpec.unpartitioned(),
                List.of("topic", "site"));

        assertThat(table.schema().identifierFieldNames()).containsExactlyInAnyOrder("topic", "site");
    }
}
