/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry;

/**
 * The registry could not be asked (unreachable, timed out, a 5xx answer) for a schema id not cached yet. Unchecked
 * on purpose: it leaves a connector like any failure to reach its store does, and the Connect task reads the record
 * again after a pause, so no record goes to the dead-letter queue only because the registry was down.
 */
public final class RegistryUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegistryUnavailableException(String message) {
        super(message);
    }
}
