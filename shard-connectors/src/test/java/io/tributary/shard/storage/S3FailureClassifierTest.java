/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Which S3 failures stop the task (the bucket is missing) and which it retries (everything else). */
class S3FailureClassifierTest {
    private static final String MISSING =
            "S3 bucket 'lake' does not exist at http://minio:9000: create it or fix s3.bucket";

    private final S3FailureClassifier classifier = new S3FailureClassifier("lake", "http://minio:9000");

    private static S3Exception s3Error(int status, String code) {
        return (S3Exception) S3Exception.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(code)
                        .build())
                .message(code)
                .build();
    }

    @Test
    void noSuchBucketOnAnObjectRequestIsMissingNamingBucketAndEndpoint() {
        SdkException cause = s3Error(404, "NoSuchBucket");

        IOException failure = classifier.objectFailure("write", "topics/m", cause);

        assertInstanceOf(StoreNotFoundException.class, failure);
        assertEquals(MISSING, failure.getMessage());
        assertSame(cause, failure.getCause());
    }

    @Test
    void theSdksModelledNoSuchBucketExceptionIsMissing() {
        SdkException cause =
                NoSuchBucketException.builder().statusCode(404).message("gone").build();

        assertInstanceOf(StoreNotFoundException.class, classifier.objectFailure("read", "m", cause));
        assertInstanceOf(StoreNotFoundException.class, classifier.bucketFailure(cause));
    }

    @Test
    void aBare404OnHeadBucketIsMissingButOnAnObjectItIsNot() {
        SdkException bare = S3Exception.builder().statusCode(404).build();

        assertEquals(MISSING, classifier.bucketFailure(bare).getMessage());
        assertFalse(classifier.objectFailure("read", "m", bare) instanceof StoreNotFoundException);
    }

    @Test
    void throttlingServerErrorsRefusedCredentialsAndAnUnreachableEndpointStayRetriable() {
        for (SdkException cause : new SdkException[] {
            s3Error(503, "SlowDown"),
            s3Error(500, "InternalError"),
            s3Error(403, "AccessDenied"),
            s3Error(404, "NoSuchKey"),
            SdkClientException.create("Unable to execute HTTP request: Connection refused")
        }) {
            IOException onObject = classifier.objectFailure("upload", "topics/f.parquet", cause);
            IOException onBucket = classifier.bucketFailure(cause);

            assertFalse(onObject instanceof StoreNotFoundException, cause.toString());
            assertEquals("could not upload s3://lake/topics/f.parquet: " + cause.getMessage(), onObject.getMessage());
            // A 404 NoSuchKey cannot come from HeadBucket; any other cause must stay retriable there too.
            if (!(cause instanceof S3Exception s3 && s3.statusCode() == 404)) {
                assertFalse(onBucket instanceof StoreNotFoundException, cause.toString());
            }
        }
    }
}
