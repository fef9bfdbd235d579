/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How MQTT records become rows (docs/iceberg.md, section "row").
 *
 * @param topicLevels         a column name for each MQTT topic level, in order ({@code site, device, metric}); levels
 *                            beyond the list are not given columns, levels a topic lacks are null
 * @param rawPayload          whether the payload bytes go into the {@code payload} column
 * @param payloadFormat       whether payloads are decoded into columns of their own
 * @param nonJson             what a payload that is not a JSON object does in {@link PayloadFormat#JSON} mode
 * @param payloadColumnPrefix put before the name of every top-level column decoded from the payload ({@code p_}
 *                            makes {@code {"temp": 1}} the column {@code p_temp}); empty by default
 * @param jsonNumbersAsDouble new columns for JSON integers are {@code double} rather than {@code long}: Iceberg
 *                            cannot widen {@code long} to {@code double}, so a field that is sometimes {@code 20}
 *                            and sometimes {@code 20.5} needs this to avoid the dead-letter queue
 */
public record RowSettings(
        List<String> topicLevels,
        boolean rawPayload,
        PayloadFormat payloadFormat,
        NonJsonPayload nonJson,
        String payloadColumnPrefix,
        boolean jsonNumbersAsDouble) {

    /** MQTT columns and the raw payload; no topic levels, no payload decoding. */
    public static final RowSettings DEFAULTS =
            new RowSettings(List.of(), true, PayloadFormat.NONE, NonJsonPayload.RAW_ONLY, "", false);

    /** Whether payloads are decoded into columns. */
    public enum PayloadFormat {
        /** The payload is kept as bytes only (when {@code rawPayload}). */
        NONE,
        /** A payload that is a JSON object gives typed columns; see {@link NonJsonPayload} for the others. */
        JSON
    }

    /** What happens, in JSON mode, to a payload that is not a JSON object (text, a bare number, broken JSON). */
    public enum NonJsonPayload {
        /** The row is written with its MQTT columns and the raw payload (if kept), no payload columns. */
        RAW_ONLY,
        /** The record is rejected with the reason (the sink sends it to the dead-letter queue). */
        REJECT
    }

    /**
     * @throws IllegalArgumentException when a level name is empty, holds a '.', repeats, or is an MQTT column's name
     */
    public RowSettings {
        topicLevels = List.copyOf(topicLevels);
        Objects.requireNonNull(payloadFormat, "payloadFormat");
        Objects.requireNonNull(nonJson, "nonJson");
        Objects.requireNonNull(payloadColumnPrefix, "payloadColumnPrefix");
        Set<String> seen = new HashSet<>();
        for (String level : topicLevels) {
            checkColumnName(level, "topic level column");
            if (MqttColumns.isFixedColumn(level)) {
                throw new IllegalArgumentException(
                        "topic level column '" + level + "' has the name of an MQTT column; choose another name");
            }
            if (!seen.add(level)) {
                throw new IllegalArgumentException("topic level column '" + level + "' is named twice");
            }
        }
        if (payloadColumnPrefix.indexOf('.') >= 0) {
            throw new IllegalArgumentException("payload column prefix '" + payloadColumnPrefix
                    + "' must not contain '.' (Iceberg's path separator)");
        }
    }

    /** The same settings with payloads decoded as JSON. */
    public RowSettings withJson(NonJsonPayload whenNotJson) {
        return new RowSettings(
                topicLevels, rawPayload, PayloadFormat.JSON, whenNotJson, payloadColumnPrefix, jsonNumbersAsDouble);
    }

    private static void checkColumnName(String name, String what) {
        if (name.isBlank()) {
            throw new IllegalArgumentException(what + " names must not be empty");
        }
        if (name.indexOf('.') >= 0) {
            throw new IllegalArgumentException(
                    what + " '" + name + "' must not contain '.' (Iceberg's path separator)");
        }
    }
}
