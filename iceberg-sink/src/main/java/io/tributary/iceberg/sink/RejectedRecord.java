/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.sink;

/**
 * Told about a record the sink will not write (a type conflict, a payload that is not JSON when such
 * payloads are rejected, a record that breaks the record contract, a topic no route takes). The Connect
 * task sends it to the dead-letter queue or fails; the sink itself never throws for bad data.
 */
@FunctionalInterface
public interface RejectedRecord {
    /** @param reason why, for the dead-letter queue and the log */
    void reject(String reason);
}
