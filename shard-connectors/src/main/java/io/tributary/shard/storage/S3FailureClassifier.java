/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.storage;

import java.io.IOException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns an S3 failure into what the tiering task does about it: a missing bucket is a
 * {@link StoreNotFoundException} (the task fails), anything else (endpoint down, throttling, 5xx,
 * refused credentials) a plain {@link IOException} (the task backs off and tries again).
 */
final class S3FailureClassifier {
    private static final int NOT_FOUND = 404;

    private final String bucket;
    private final String endpoint;

    /** @param endpoint where the bucket was looked for, as the operator configured it */
    S3FailureClassifier(String bucket, String endpoint) {
        this.bucket = bucket;
        this.endpoint = endpoint;
    }

    /** A failed request on an object: only S3's {@code NoSuchBucket} code means the bucket is gone. */
    IOException objectFailure(String action, String key, SdkException e) {
        if (isNoSuchBucket(e)) {
            return bucketMissing(e);
        }
        return new IOException("could not " + action + " s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
    }

    /** A failed request on the bucket itself: HEAD answers a missing bucket with a bare 404. */
    IOException bucketFailure(SdkException e) {
        if (isNoSuchBucket(e) || (e instanceof S3Exception s3 && s3.statusCode() == NOT_FOUND)) {
            return bucketMissing(e);
        }
        return new IOException("could not check s3://" + bucket + " at " + endpoint + ": " + e.getMessage(), e);
    }

    private StoreNotFoundException bucketMissing(SdkException e) {
        return new StoreNotFoundException(
                "S3 bucket '" + bucket + "' does not exist at " + endpoint + ": create it or fix "
                        + S3StorageConfig.BUCKET_CONFIG,
                e);
    }

    private static boolean isNoSuchBucket(SdkException e) {
        if (e instanceof NoSuchBucketException) {
            return true;
        }
        return e instanceof S3Exception s3
                && s3.awsErrorDetails() != null
                && "NoSuchBucket".equals(s3.awsErrorDetails().errorCode());
    }
}
