/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.sink;

import io.tributary.iceberg.IcebergSinkConfig;
import io.tributary.iceberg.row.RowSettings;

/** The row settings an {@link IcebergSinkConfig} describes. */
final class SinkRowSettings {
    private SinkRowSettings() {}

    static RowSettings from(IcebergSinkConfig config) {
        RowSettings.PayloadFormat format = config.payloadFormat() == IcebergSinkConfig.PayloadFormat.JSON
                ? RowSettings.PayloadFormat.JSON
                : RowSettings.PayloadFormat.NONE;
        RowSettings.NonJsonPayload nonJson = config.nonJsonPayload() == IcebergSinkConfig.NonJsonPayload.DLQ
                ? RowSettings.NonJsonPayload.REJECT
                : RowSettings.NonJsonPayload.RAW_ONLY;
        return new RowSettings(config.topicLevels(), config.rawPayloadColumnEnabled(), format, nonJson, "", false);
    }
}
