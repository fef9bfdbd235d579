/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry.columns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.registry.RegisteredSchema;
import io.tributary.registry.WireFormat;
import io.tributary.registry.columns.ColumnType.Column;
import io.tributary.registry.columns.ColumnType.ListOf;
import io.tributary.registry.columns.ColumnType.MapOf;
import io.tributary.registry.columns.ColumnType.Scalar;
import io.tributary.registry.columns.ColumnType.Struct;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonSchemaColumnsTest {

    private static final String SITE = """
            {"$id": "https://example.com/site.json", "type": "object",
             "properties": {"room": {"type": "string"}, "floor": {"$ref": "#/$defs/floor"}},
             "$defs": {"floor": {"type": "integer"}}}""";

    @Test
    void typesFormatsAndLocalDefinitionsBecomeColumns() throws Exception {
        String schema = """
                {"type": "object", "properties": {
                  "temp": {"type": ["number", "null"]}, "on": {"type": "boolean"},
                  "day": {"type": "string", "format": "date"},
                  "at": {"type": "string", "format": "date-time"},
                  "tags": {"type": "array", "items": {"type": "string"}},
                  "labels": {"type": "object", "additionalProperties": {"type": "integer"}},
                  "mode": {"enum": ["a", "b"]},
                  "place": {"$ref": "#/definitions/place"},
                  "anything": {"oneOf": [{"type": "string"}, {"type": "integer"}]}},
                 "definitions": {"place": {"type": "object", "properties": {"room": {"type": "string"}}}}}""";
        PayloadColumns columns = columns(new RegisteredSchema(4, RegisteredSchema.Format.JSON, schema));

        assertThat(columns.columns().fields())
                .containsExactly(
                        new Column("temp", Scalar.DOUBLE),
                        new Column("on", Scalar.BOOLEAN),
                        new Column("day", Scalar.DATE),
                        new Column("at", Scalar.TIMESTAMP),
                        new Column("tags", new ListOf(Scalar.STRING)),
                        new Column("labels", new MapOf(Scalar.STRING, Scalar.LONG)),
                        new Column("mode", Scalar.STRING),
                        new Column("place", new Struct(List.of(new Column("room", Scalar.STRING)))));
        List<Object> values = columns.decode(payload(4, """
                {"temp": 19, "on": true, "day": "2026-12-06", "at": "2026-12-06T05:00:00+01:00",
                 "tags": ["x"], "labels": {"k": 3}, "mode": "b", "place": {"room": "lab"}, "extra": 1}"""));
        assertThat(values)
                .containsExactly(
                        19.0,
                        true,
                        LocalDate.of(2026, 12, 6),
                        Instant.parse("2026-12-06T04:00:00Z"),
                        List.of("x"),
                        Map.of("k", 3L),
                        "b",
                        List.of("lab"));
        assertThat(columns.decode(payload(4, "{\"temp\": null}")))
                .isEqualTo(Arrays.asList(null, null, null, null, null, null, null, null));
        assertThatThrownBy(() -> columns.decode(payload(4, "{\"on\": \"yes\"}")))
                .isInstanceOf(UndecodablePayloadException.class)
                .hasMessageContaining("field 'on' is string \"yes\", but the schema makes it boolean");
    }

    @Test
    void refsToAnotherSubjectsSchemaAreFollowedThroughTheRegistrysReferences() throws Exception {
        String reading = """
                {"type": "object", "properties": {
                  "temp": {"type": "number"},
                  "site": {"$ref": "site.json"},
                  "floor": {"$ref": "https://example.com/site.json#/$defs/floor"}}}""";
        RegisteredSchema schema = new RegisteredSchema(
                8, RegisteredSchema.Format.JSON, reading, List.of(new RegisteredSchema.Reference("site.json", SITE)));
        PayloadColumns columns = columns(schema);

        assertThat(columns.columns().fields())
                .containsExactly(
                        new Column("temp", Scalar.DOUBLE),
                        new Column(
                                "site",
                                new Struct(
                                        List.of(new Column("room", Scalar.STRING), new Column("floor", Scalar.LONG)))),
                        new Column("floor", Scalar.LONG));
        assertThat(columns.decode(
                        payload(8, "{\"temp\": 1.5, \"site\": {\"room\": \"lab\", \"floor\": 2}, \"floor\": 3}")))
                .containsExactly(1.5, List.of("lab", 2L), 3L);
    }

    @Test
    void aRefTheReferencesDoNotHoldOrThatContainsItselfHasTheReason() {
        String missing = """
                {"type": "object", "properties": {"site": {"$ref": "site.json"}}}""";
        assertThatThrownBy(() -> SchemaColumns.of(new RegisteredSchema(1, RegisteredSchema.Format.JSON, missing)))
                .hasMessageContaining("field 'site' refers to site.json, but the schema's references");
        String loop = """
                {"type": "object", "properties": {"node": {"$ref": "#/$defs/node"}},
                 "$defs": {"node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/node"}}}}}""";
        assertThatThrownBy(() -> SchemaColumns.of(new RegisteredSchema(2, RegisteredSchema.Format.JSON, loop)))
                .hasMessageContaining("inside itself");
        assertThatThrownBy(() -> SchemaColumns.of(
                        new RegisteredSchema(3, RegisteredSchema.Format.JSON, "{\"type\": \"string\"}")))
                .hasMessageContaining("has no columns");
    }

    private static PayloadColumns columns(RegisteredSchema schema) throws UndecodablePayloadException {
        return SchemaColumns.of(schema).forPayload(payload(schema.id(), "{}"));
    }

    private static byte[] payload(int id, String json) {
        return WireFormat.encode(id, json.getBytes(StandardCharsets.UTF_8));
    }
}
