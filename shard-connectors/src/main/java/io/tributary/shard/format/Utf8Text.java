/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.format;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Strict UTF-8 decoding: a malformed payload must be reported, not silently replaced with U+FFFD. */
final class Utf8Text {
    private Utf8Text() {}

    static String decode(byte[] bytes, Supplier<String> what) throws BadRecordException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadRecordException(what.get() + " is not valid UTF-8");
        }
    }
}
