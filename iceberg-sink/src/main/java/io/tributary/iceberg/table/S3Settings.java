/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import org.jspecify.annotations.Nullable;

/**
 * How the sink reaches S3 or an S3-compatible store for an {@code s3://} warehouse.
 *
 * @param endpoint        endpoint of an S3-compatible store; empty for AWS S3 itself
 * @param region          region; empty means us-east-1 with a custom endpoint, else the SDK's region chain
 * @param pathStyle       path-style addressing; null means "when an endpoint is set"
 * @param accessKeyId     empty means the AWS SDK's default credentials chain
 * @param secretAccessKey secret of {@code accessKeyId}
 */
public record S3Settings(
        String endpoint, String region, @Nullable Boolean pathStyle, String accessKeyId, String secretAccessKey) {

    public static final S3Settings DEFAULT = new S3Settings("", "", null, "", "");

    public boolean hasCustomEndpoint() {
        return !endpoint.isBlank();
    }

    public boolean pathStyleInForce() {
        return pathStyle != null ? pathStyle : hasCustomEndpoint();
    }

    @Override
    public String toString() {
        // Never print the secret: settings end up in logs and exception messages.
        return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", pathStyle=" + pathStyleInForce()
                + ", accessKeyId=" + accessKeyId + "]";
    }
}
