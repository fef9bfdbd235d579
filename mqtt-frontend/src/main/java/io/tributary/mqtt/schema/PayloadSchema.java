/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.Map;

/**
 * A registered schema compiled for payloads: checks a device's JSON against it, encodes that JSON into the body
 * the registry's serializers write, and turns such a body back into JSON for MQTT subscribers. Immutable and
 * thread-safe: event loops share one instance.
 */
public interface PayloadSchema {

    /** Thrown when a payload does not match the schema; the message says where and why, for the client. */
    final class InvalidPayloadException extends Exception {
        public InvalidPayloadException(String message) {
            super(message, null, false, false); // no stack trace: a bad payload is ordinary input
        }
    }

    /** The schema it was compiled from. */
    RegisteredSchema registered();

    /** Checks a JSON payload. */
    void validate(byte[] json) throws InvalidPayloadException;

    /** Checks a JSON payload and returns the body of its record value (without the wire format's prefix). */
    byte[] encode(byte[] json) throws InvalidPayloadException;

    /** The JSON text of a record body written with this schema. */
    byte[] toJson(byte[] body) throws InvalidPayloadException;

    /**
     * This schema checking and encoding payloads as the message named {@code fullName} (Protobuf: a file holds
     * several messages); the same instance for the same name.
     *
     * @throws IllegalArgumentException when the schema has no such message, or no messages to choose from
     */
    default PayloadSchema forMessage(String fullName) {
        throw new IllegalArgumentException(
                "schema " + registered().id() + " is " + registered().format().text() + ": it has no messages to name");
    }

    /** Compiles a schema of the registry that references no other. */
    static PayloadSchema compile(RegisteredSchema schema) {
        return compile(schema, Map.of());
    }

    /**
     * Compiles a schema of the registry.
     *
     * @param references every schema it references, directly or not, by reference name, those referenced
     *     before those that reference them (see {@link SchemaReferences})
     * @throws IllegalArgumentException saying why the schema cannot be used
     */
    static PayloadSchema compile(RegisteredSchema schema, Map<String, RegisteredSchema> references) {
        return switch (schema.format()) {
            case JSON -> new JsonPayloadSchema(schema, references);
            case AVRO -> new AvroPayloadSchema(schema, references);
            case PROTOBUF -> new ProtobufPayloadSchema(schema, references);
        };
    }

    /** Reads a payload as one JSON value, nothing after it. */
    static JsonNode parseJson(byte[] json) throws InvalidPayloadException {
        try {
            return Json.READER.readTree(json);
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException p
                    ? p.getOriginalMessage()
                    : e.getMessage();
            throw new InvalidPayloadException("payload is not JSON: " + why);
        }
    }

    /** The one mapper of the package. */
    final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
        static final ObjectReader READER = MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

        private Json() {}
    }
}
