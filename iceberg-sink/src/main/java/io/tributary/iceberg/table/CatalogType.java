/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import java.util.Locale;
import org.apache.iceberg.CatalogUtil;

/** The catalogs the sink supports, by their Iceberg {@code type} name. */
public enum CatalogType {
    /** Tables in a JDBC database (SQLite for one machine, Postgres for a team); no catalog server. */
    JDBC(CatalogUtil.ICEBERG_CATALOG_TYPE_JDBC),
    /** The Iceberg REST catalog protocol (Polaris, Lakekeeper, Gravitino, Unity, Nessie's REST API...). */
    REST(CatalogUtil.ICEBERG_CATALOG_TYPE_REST),
    /** Tables found by path under the warehouse; needs a file system with atomic rename (HDFS, local). */
    HADOOP(CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP);

    private final String icebergType;

    CatalogType(String icebergType) {
        this.icebergType = icebergType;
    }

    /** The value of Iceberg's {@code type} catalog property. */
    public String icebergType() {
        return icebergType;
    }

    public static CatalogType parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
