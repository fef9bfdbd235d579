/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry;

/**
 * The registry does not hold the schema id a record names (or, thrown by a connector, the schema has no columns):
 * the record cannot get columns from it, ever (it goes to the dead-letter queue with this message). Not thrown when
 * the registry cannot be reached: that is {@link RegistryUnavailableException}, which the connectors retry.
 */
public final class SchemaLookupException extends Exception {
    private static final long serialVersionUID = 1L;

    public SchemaLookupException(String message) {
        super(message);
    }
}
