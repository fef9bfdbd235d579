/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tributary.iceberg.SinkInput;
import io.tributary.iceberg.registry.PayloadSchemas;
import io.tributary.registry.WireFormat;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.jspecify.annotations.Nullable;

/**
 * Turns MQTT records into rows of an Iceberg table: the MQTT columns ({@link MqttColumns}), the topic-level
 * columns, and in JSON mode the payload's fields as typed columns, evolving the schema as payloads grow. With a
 * registry, a payload in the Confluent wire format takes its columns from its registered schema instead
 * ({@link RegisteredColumns}).
 *
 * <pre>{@code
 * Conversion conversion = converter.convert(input, table.schema());
 * switch (conversion) {
 *     case Conversion.Row row -> writer.write(row.record());
 *     case SchemaPlan plan -> { plan.applyTo(table.updateSchema()).commit(); table.refresh(); ... convert again }
 *     case Conversion.Rejected rejected -> deadLetterQueue.send(input, rejected.reason());
 * }
 * }</pre>
 *
 * One converter per task: it remembers the layout of the last schema it saw and is not thread-safe.
 */
public final class RowConverter {

    private final RowSettings settings;
    private final Schema baseSchema;
    private final Set<String> reservedColumns;
    private final PayloadColumns payloadColumns;
    private final FlatJsonColumns flatJson = new FlatJsonColumns();
    private final @Nullable RegisteredColumns registered;
    private final TopicLevelsCache topicLevels;
    private final JsonMapper json;
    private @Nullable RowLayout layout;

    public RowConverter(RowSettings settings) {
        this(settings, null);
    }

    /**
     * @param registry the schemas of Confluent wire-format payloads, which then get their columns from the
     *     registry rather than from JSON; null when no registry is configured
     */
    public RowConverter(RowSettings settings, @Nullable PayloadSchemas registry) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.baseSchema = MqttColumns.baseSchema(settings);
        Set<String> reserved = new HashSet<>();
        baseSchema.columns().forEach(column -> reserved.add(column.name()));
        this.reservedColumns = Set.copyOf(reserved);
        this.payloadColumns =
                new PayloadColumns(settings.payloadColumnPrefix(), reservedColumns, settings.jsonNumbersAsDouble());
        this.json = strictJson();
        this.topicLevels = new TopicLevelsCache(settings.topicLevels().size());
        this.registered = registry == null
                ? null
                : new RegisteredColumns(registry, settings.payloadColumnPrefix(), reservedColumns);
    }

    /** The parser of the full path: strict about duplicates, trailing tokens and non-numbers; no length limit. */
    static JsonMapper strictJson() {
        JsonMapper json = JsonMapper.builder()
                // A repeated field would leave one of two values silently: refuse the payload instead.
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        // Kafka's record size already bounds a payload; Jackson's default 20 MB string limit would refuse some.
        json.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(Integer.MAX_VALUE)
                        .maxDocumentLength(-1)
                        .build());
        return json;
    }

    public RowSettings settings() {
        return settings;
    }

    /** The MQTT and topic-level columns (and {@code payload}), before any payload column. */
    public Schema baseSchema() {
        return baseSchema;
    }

    /**
     * The schema for a table created for {@code first}: the base schema plus, in JSON mode, the columns of its
     * payload. A payload that is not a JSON object adds none (converting it tells whether it is rejected).
     */
    public Schema initialSchema(SinkInput first) {
        if (!(convert(first, baseSchema) instanceof SchemaPlan plan)) {
            return baseSchema;
        }
        List<NestedField> columns = new ArrayList<>(baseSchema.columns());
        for (SchemaPlan.SchemaChange change : plan.changes()) {
            // Against the base schema every payload field is a new top-level column.
            SchemaPlan.AddColumn add = (SchemaPlan.AddColumn) change;
            columns.add(NestedField.optional(0, add.name(), add.type()));
        }
        // The inferred types carry placeholder ids: number every column afresh, the base columns first.
        AtomicInteger ids = new AtomicInteger();
        Type fresh = TypeUtil.assignFreshIds(Types.StructType.of(columns), ids::incrementAndGet);
        return new Schema(fresh.asStructType().fields());
    }

    /**
     * The row for {@code input} in a table of {@code tableSchema}, or the schema changes it needs first, or why it
     * cannot be written there. Never throws for bad data.
     *
     * @throws io.tributary.registry.RegistryUnavailableException when a wire-format payload's schema is
     *     not cached and the registry cannot be asked (the record is not bad: try it again later)
     */
    public Conversion convert(SinkInput input, Schema tableSchema) {
        RowLayout current = layoutFor(tableSchema);
        if (current.conflict != null) {
            return new Conversion.Rejected(current.conflict);
        }
        if (current.missingColumns != null) {
            return current.missingColumns;
        }
        GenericRecord row = current.template.copy();
        fillMqttColumns(input, current, row);
        try {
            SchemaPlan.Builder plan = new SchemaPlan.Builder();
            String notJson = fillPayloadColumns(input, current, row, plan);
            if (notJson != null) {
                return new Conversion.Rejected(notJson);
            }
            if (!plan.isEmpty()) {
                return plan.build();
            }
            PayloadColumns.requireValues(tableSchema.asStruct(), row, null);
            return new Conversion.Row(row);
        } catch (RowRejection rejection) {
            return new Conversion.Rejected(rejection.getMessage());
        }
    }

    private void fillMqttColumns(SinkInput input, RowLayout current, GenericRecord row) {
        OffsetDateTime time = MqttColumns.timestamp(input);
        for (int i = 0; i < current.fixedNames.length; i++) {
            if (current.fixedPositions[i] >= 0) {
                row.set(current.fixedPositions[i], MqttColumns.value(current.fixedNames[i], input, time));
            }
        }
        if (current.levelPositions.length > 0) {
            String[] levels = topicLevels.levelsOf(input.mqtt().topic());
            for (int i = 0; i < levels.length; i++) {
                if (current.levelPositions[i] >= 0) {
                    row.set(current.levelPositions[i], levels[i]);
                }
            }
        }
    }

    /** @return the reason to reject a payload that is not a JSON object, when set so; else null */
    private @Nullable String fillPayloadColumns(
            SinkInput input, RowLayout current, GenericRecord row, SchemaPlan.Builder plan) {
        byte[] payload = input.mqtt().payload();
        if (settings.payloadFormat() != RowSettings.PayloadFormat.JSON || payload.length == 0) {
            return null; // an empty payload (a retained message cleared) has no fields
        }
        if (registered != null && WireFormat.matches(payload)) {
            registered.fill(payload, current.schema.asStruct(), row, plan);
            return null;
        }
        if (flatJson.fill(payload, current.payloadSlots, row)) {
            return null;
        }
        JsonNode parsed;
        try {
            parsed = json.readTree(payload);
        } catch (IOException e) {
            return notJson("is not JSON: " + firstLine(e.getMessage()));
        }
        if (parsed == null || !parsed.isObject()) {
            return notJson("is JSON but not an object: " + (parsed == null ? "nothing" : parsed.getNodeType()));
        }
        payloadColumns.fill(parsed, current.schema.asStruct(), row, plan);
        return null;
    }

    private @Nullable String notJson(String why) {
        return settings.nonJson() == RowSettings.NonJsonPayload.REJECT ? "payload " + why : null;
    }

    private static String firstLine(@Nullable String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private RowLayout layoutFor(Schema tableSchema) {
        RowLayout current = layout;
        if (current == null || current.schema != tableSchema) {
            current = new RowLayout(tableSchema, baseSchema, settings, reservedColumns);
            layout = current;
        }
        return current;
    }
}
