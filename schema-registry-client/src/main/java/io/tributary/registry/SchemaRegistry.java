/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry;

/** Where a connector finds the schema of a Confluent wire-format payload by its id. */
public interface SchemaRegistry {

    /**
     * @throws SchemaLookupException        when the registry answers that it does not hold {@code id}
     * @throws RegistryUnavailableException when the registry cannot answer now
     */
    RegisteredSchema byId(int id) throws SchemaLookupException;
}
