/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.format;

/**
 * A record that cannot become the chosen file format (e.g. a payload declared UTF-8 that is not).
 * Thrown before any of the record reached the file, so the file stays valid.
 */
public final class BadRecordException extends Exception {
    public BadRecordException(String message) {
        super(message);
    }
}
