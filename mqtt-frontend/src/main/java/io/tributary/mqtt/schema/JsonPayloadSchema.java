/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A JSON Schema of the registry. Draft 7 unless the schema names its own ({@code $schema}); the Confluent
 * serializer's body is the JSON text itself, so encoding only checks.
 */
final class JsonPayloadSchema implements PayloadSchema {

    private static final SchemaRegistry DIALECTS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
    /** At most this many violations in a reason string: it goes back to a device in a PUBACK. */
    private static final int REPORTED_ERRORS = 3;

    /** Where a schema without an absolute {@code $id} is taken to be, for its relative {@code $ref}s. */
    private static final String REFERENCE_BASE = "https://schemas.tributary.invalid/";

    private final RegisteredSchema registered;
    private final Schema schema;

    /** @param references the schemas its {@code $ref}s name, by reference name */
    JsonPayloadSchema(RegisteredSchema registered, Map<String, RegisteredSchema> references) {
        this.registered = registered;
        try {
            this.schema = references.isEmpty()
                    ? DIALECTS.getSchema(registered.text(), InputFormat.JSON)
                    : withReferences(registered.text(), references);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "not a valid JSON Schema (id " + registered.id() + "): " + e.getMessage(), e);
        }
    }

    /**
     * A {@code $ref} names a referenced schema as the reference's name: either an absolute URI, or a name relative
     * to the referencing schema ({@code address.json}), resolved against its {@code $id} when it has one, against
     * a base of ours when not. The referenced texts are handed to the validator under every such URI, so nothing
     * is fetched over the network.
     */
    private static Schema withReferences(String text, Map<String, RegisteredSchema> references) {
        String ownId;
        try {
            ownId = PayloadSchema.Json.MAPPER.readTree(text).path("$id").asText("");
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        URI base = URI.create(ownId.isEmpty() || !URI.create(ownId).isAbsolute() ? REFERENCE_BASE : ownId);
        Map<String, String> texts = new HashMap<>();
        for (Map.Entry<String, RegisteredSchema> r : references.entrySet()) {
            texts.put(r.getKey(), r.getValue().text());
            texts.put(
                    URI.create(REFERENCE_BASE).resolve(r.getKey()).toString(),
                    r.getValue().text());
            texts.put(base.resolve(r.getKey()).toString(), r.getValue().text());
        }
        SchemaRegistry registry =
                SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7, b -> b.schemas(texts));
        return registry.getSchema(SchemaLocation.of(base.toString()), text, InputFormat.JSON);
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
