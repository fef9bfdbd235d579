/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.aws.AwsClientProperties;
import org.apache.iceberg.aws.s3.S3FileIOAwsClientFactory;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The S3 client behind Iceberg's {@code S3FileIO} (catalog property {@code s3.client-factory-impl}). Iceberg's
 * own factory has no setting for the AWS SDK's checksum modes, and since SDK 2.30 the default (WHEN_SUPPORTED)
 * sends streaming checksum trailers that S3Proxy and several S3-compatible stores reject. With a custom
 * endpoint this factory asks for checksums only when an operation requires them, addresses buckets by path
 * unless told otherwise, and overrides the endpoint; for AWS S3 itself it leaves the SDK's defaults alone.
 *
 * <p>It reads Iceberg's standard property names ({@code s3.endpoint}, {@code s3.path-style-access}, {@code
 * s3.access-key-id}, {@code s3.secret-access-key}, {@code s3.session-token}, {@code client.region}), so the
 * same catalog properties work in Spark with Iceberg's default factory.
 */
public final class S3ClientFactory implements S3FileIOAwsClientFactory {
    private static final long serialVersionUID = 1L;

    /** The region an S3-compatible store gets when none is set; most accept any. */
    static final String DEFAULT_COMPATIBLE_REGION = "us-east-1";

    private HashMap<String, String> properties = new HashMap<>();

    @Override
    public void initialize(Map<String, String> catalogProperties) {
        this.properties = new HashMap<>(catalogProperties);
    }

    @Override
    public S3Client s3() {
        return build(properties);
    }

    @Override
    public S3AsyncClient s3Async() {
        // The asynchronous client would need the SDK's Netty client, which this plugin leaves out; S3FileIO
        // only asks for it when its analytics accelerator or CRT client is switched on.
        throw new UnsupportedOperationException(
                "the Tributary Iceberg sink has no asynchronous S3 client: leave s3.analytics-accelerator.enabled "
                        + "and s3.crt.enabled off");
    }

    /** A synchronous client from Iceberg catalog properties. */
    public static S3Client build(Map<String, String> properties) {
        String endpoint =
                properties.getOrDefault(S3FileIOProperties.ENDPOINT, "").trim();
        boolean custom = !endpoint.isEmpty();
        String pathStyle = properties.get(S3FileIOProperties.PATH_STYLE_ACCESS);
        S3ClientBuilder builder = S3Client.builder()
                .credentialsProvider(credentials(properties))
                .forcePathStyle(pathStyle != null ? Boolean.parseBoolean(pathStyle) : custom)
                .httpClientBuilder(Apache5HttpClient.builder());
        String region =
                properties.getOrDefault(AwsClientProperties.CLIENT_REGION, "").trim();
        if (!region.isEmpty()) {
            builder.region(Region.of(region));
        } else if (custom) {
            builder.region(Region.of(DEFAULT_COMPATIBLE_REGION));
        }
        if (custom) {
            builder.endpointOverride(URI.create(endpoint))
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(Map<String, String> properties) {
        String accessKey = properties.getOrDefault(S3FileIOProperties.ACCESS_KEY_ID, "");
        if (accessKey.isBlank()) {
            return DefaultCredentialsProvider.builder().build();
        }
        String secret = properties.getOrDefault(S3FileIOProperties.SECRET_ACCESS_KEY, "");
        String token = properties.getOrDefault(S3FileIOProperties.SESSION_TOKEN, "");
        return StaticCredentialsProvider.create(
                token.isBlank()
                        ? AwsBasicCredentials.create(accessKey, secret)
                        : AwsSessionCredentials.create(accessKey, secret, token));
    }
}
