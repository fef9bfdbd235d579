/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The S3 bucket of the warehouse does not exist. Retrying cannot help, so the task should fail with this
 * message instead of logging the same warning forever.
 */
public final class MissingBucketException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private static final Pattern BUCKET_NAME = Pattern.compile("<BucketName>([^<]+)</BucketName>");

    private final String bucket;

    public MissingBucketException(String bucket, String location, Throwable cause) {
        super(
                "S3 bucket '" + bucket + "' does not exist (needed for " + location
                        + "): create the bucket or correct the warehouse setting",
                cause);
        this.bucket = bucket;
    }

    public String bucket() {
        return bucket;
    }

    /**
     * When S3's NoSuchBucket is somewhere in the cause chain of a failure that happened while writing under
     * {@code location} ({@code s3://bucket/...}), the exception naming that bucket.
     */
    public static Optional<MissingBucketException> in(Throwable failure, String location) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof MissingBucketException missing) {
                return Optional.of(missing);
            }
            if (isNoSuchBucket(cause)) {
                Throwable noSuchBucket = cause;
                String bucket = Warehouses.bucket(location)
                        .or(() -> bucketInErrorResponse((S3Exception) noSuchBucket))
                        .orElse("(not named by S3)");
                return Optional.of(new MissingBucketException(bucket, location, failure));
            }
        }
        return Optional.empty();
    }

    /** S3's NoSuchBucket error document names the bucket: {@code <BucketName>lake</BucketName>}. */
    private static Optional<String> bucketInErrorResponse(S3Exception e) {
        if (e.awsErrorDetails() == null || e.awsErrorDetails().rawResponse() == null) {
            return Optional.empty();
        }
        Matcher name = BUCKET_NAME.matcher(e.awsErrorDetails().rawResponse().asUtf8String());
        return name.find() ? Optional.of(name.group(1)) : Optional.empty();
    }

    static boolean isNoSuchBucket(Throwable cause) {
        return cause instanceof NoSuchBucketException
                || (cause instanceof S3Exception s3
                        && s3.awsErrorDetails() != null
                        && "NoSuchBucket".equals(s3.awsErrorDetails().errorCode()));
    }
}
