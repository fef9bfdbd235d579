/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A JSON Schema of the registry. Draft 7 unless the schema names its own ({@code $schema}); the Confluent
 * serializer's body is the JSON text itself, so encoding only checks.
 */
final class JsonPayloadSchema implements PayloadSchema {

    private static final SchemaRegistry DIALECTS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
    /** At most this many violations in a reason string: it goes back to a device in a PUBACK. */
    private static final int REPORTED_ERRORS = 3;

    private final RegisteredSchema registered;
    private final Schema schema;

    JsonPayloadSchema(RegisteredSchema registered) {
        this.registered = registered;
        try {
            this.schema = DIALECTS.getSchema(registered.text(), InputFormat.JSON);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "not a valid JSON Schema (id " + registered.id() + "): " + e.getMessage(), e);
        }
    }

    @Override
    public RegisteredSchema registered() {
        return registered;
    }

    @Override
    public void validate(byte[] json) throws InvalidPayloadException {
        JsonNode node = PayloadSchema.parseJson(json);
        List<Error> errors = schema.validate(node);
        if (!errors.isEmpty()) {
            throw new InvalidPayloadException("payload does not match schema " + registered.id() + ": "
                    + errors.stream()
                            .limit(REPORTED_ERRORS)
                            .map(Error::toString)
                            .collect(Collectors.joining("; ")));
        }
    }

    @Override
    public byte[] encode(byte[] json) throws InvalidPayloadException {
        validate(json);
        return json;
    }

    @Override
    public byte[] toJson(byte[] body) {
        return body;
    }
}
