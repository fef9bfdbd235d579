/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.storage;

import java.io.IOException;

/**
 * The store named in the settings does not exist (an S3 bucket that was never created, or was
 * deleted). Unlike its parent, waiting will not fix it: callers stop instead of retrying, and the
 * message tells the operator what to create or which setting to correct.
 */
public final class StoreNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;

    public StoreNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
