/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry.columns;

/** A payload whose body does not match the schema its id names: the record is bad, whoever reads it. */
public final class UndecodablePayloadException extends Exception {
    private static final long serialVersionUID = 1L;

    public UndecodablePayloadException(String message) {
        super(message, null, false, false);
    }
}
