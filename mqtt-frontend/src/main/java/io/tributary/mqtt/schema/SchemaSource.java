/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import org.jspecify.annotations.Nullable;

/**
 * The port through which the broker reads schemas from a schema registry. The adapter
 * ({@code registry.ConfluentRegistryClient}) speaks the Confluent Schema Registry REST API and caches what it
 * read. Calls block on the network: never call them on an event loop.
 */
public interface SchemaSource {

    /** For a node without a registry (no schema.registry.url): every lookup fails, saying so. */
    SchemaSource NONE = new SchemaSource() {
        @Override
        public RegisteredSchema latest(String subject) throws SchemaLookupException {
            throw new SchemaLookupException("no schema registry configured (schema.registry.url)", false, null);
        }

        @Override
        public RegisteredSchema byId(int id) throws SchemaLookupException {
            throw new SchemaLookupException("no schema registry configured (schema.registry.url)", false, null);
        }

        @Override
        public RegisteredSchema version(String subject, int version) throws SchemaLookupException {
            throw new SchemaLookupException("no schema registry configured (schema.registry.url)", false, null);
        }
    };

    /** The latest version of a subject; a cached one when the registry cannot be reached. */
    RegisteredSchema latest(String subject) throws SchemaLookupException;

    /** The schema with this id (ids never change, so the adapter keeps them). */
    RegisteredSchema byId(int id) throws SchemaLookupException;

    /** A given version of a subject, as a schema's reference names it (versions never change: kept). */
    default RegisteredSchema version(String subject, int version) throws SchemaLookupException {
        throw new SchemaLookupException(
                "subject '" + subject + "' version " + version + ": this source does not read references", false, null);
    }

    /** A lookup that failed: the registry answered that there is no such thing, or could not be asked. */
    final class SchemaLookupException extends Exception {
        private final boolean notFound;

        public SchemaLookupException(String message, boolean notFound, @Nullable Throwable cause) {
            super(message, cause);
            this.notFound = notFound;
        }

        /** The registry answered: the subject or id does not exist (not an outage). */
        public boolean notFound() {
            return notFound;
        }
    }
}
