/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * S3 (or an S3-compatible store). An object appears only when its PutObject or
 * CompleteMultipartUpload succeeds, so a half-uploaded file is never visible.
 */
public final class S3ShardStorage implements ShardStorage {
    private final S3Client s3;
    private final String bucket;
    private final long partSize;
    private final S3FailureClassifier failures;

    /**
     * @param partSize files larger than this go up as a multipart upload in parts of this size
     *     (at least 5 MiB, S3's smallest part)
     */
    public S3ShardStorage(S3Client s3, String bucket, long partSize) {
        this.s3 = s3;
        this.bucket = bucket;
        this.partSize = partSize;
        this.failures = new S3FailureClassifier(bucket, endpointOf(s3));
    }

    /** The endpoint as an operator would recognise it: the configured override, else AWS's region. */
    private static String endpointOf(S3Client s3) {
        S3ServiceClientConfiguration client = s3.serviceClientConfiguration();
        return client.endpointOverride().map(URI::toString).orElseGet(() -> "AWS S3 (region " + client.region() + ")");
    }

    /** HeadBucket: a missing bucket fails here, at start, rather than at the first file. */
    @Override
    public void checkExists() throws IOException {
        try {
            s3.headBucket(head -> head.bucket(bucket));
        } catch (SdkException e) {
            throw failures.bucketFailure(e);
        }
    }

    @Override
    public void publish(Path localFile, String path) throws IOException {
        long size = Files.size(localFile);
        try {
            if (size <= partSize) {
                s3.putObject(put -> put.bucket(bucket).key(path).contentLength(size), RequestBody.fromFile(localFile));
            } else {
                uploadInParts(localFile, path, size);
            }
        } catch (SdkException e) {
            throw failures.objectFailure("upload", path, e);
        }
    }

    private void uploadInParts(Path localFile, String key, long size) throws IOException {
        String uploadId = s3.createMultipartUpload(
                        create -> create.bucket(bucket).key(key))
                .uploadId();
        try (InputStream in = Files.newInputStream(localFile)) {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buffer = new byte[(int) partSize];
            int partNumber = 1;
            for (long sent = 0; sent < size; partNumber++) {
                int length = in.readNBytes(buffer, 0, (int) Math.min(partSize, size - sent));
                int number = partNumber;
                String etag = s3.uploadPart(
                                part -> part.bucket(bucket)
                                        .key(key)
                                        .uploadId(uploadId)
                                        .partNumber(number)
                                        .contentLength((long) length),
                                RequestBody.fromBytes(
                                        length == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, length)))
                        .eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                sent += length;
            }
            s3.completeMultipartUpload(complete ->
                    complete.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(upload -> upload.parts(parts)));
        } catch (IOException | SdkException e) {
            abortQuietly(key, uploadId);
            throw e;
        }
    }

    private void abortQuietly(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(abort -> abort.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException ignored) {
            // The bucket's lifecycle rule for incomplete uploads cleans up what we could not.
        }
    }

    @Override
    public void writeAtomically(String path, byte[] content) throws IOException {
        try {
            s3.putObject(put -> put.bucket(bucket).key(path), RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw failures.objectFailure("write", path, e);
        }
    }

    @Override
    public Optional<byte[]> read(String path) throws IOException {
        try {
            return Optional.of(
                    s3.getObjectAsBytes(get -> get.bucket(bucket).key(path)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failures.objectFailure("read", path, e);
        }
    }

    @Override
    public boolean namesCarryEndOffset() {
        return false;
    }

    @Override
    public void close() {
        s3.close();
    }

    @Override
    public String toString() {
        return "s3://" + bucket;
    }
}
