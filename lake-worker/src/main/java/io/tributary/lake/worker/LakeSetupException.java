/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake.worker;

/** The lake cannot start for a reason the user can fix; the message names it and says what to do. */
public final class LakeSetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LakeSetupException(String message) {
        super(message);
    }
}
