/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.format;

import java.util.Locale;

/** How the payload column is typed in the written files. */
public enum PayloadEncoding {
    /** Text when the PUBLISH said the payload is UTF-8 (payload format indicator 1), bytes otherwise. */
    AUTO,
    /** Always raw bytes. */
    BYTES,
    /** Always text; a payload that is not valid UTF-8 is a bad record. */
    STRING;

    public static PayloadEncoding parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
