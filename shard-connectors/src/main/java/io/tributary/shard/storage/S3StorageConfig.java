/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.storage;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Settings of the S3 storage adapter. */
public final class S3StorageConfig extends AbstractConfig {
    private static final String GROUP = "S3";

    public static final String BUCKET_CONFIG = "s3.bucket";
    public static final String BUCKET_DOC = "Bucket the files are written to.";

    public static final String REGION_CONFIG = "s3.region";
    public static final String REGION_DOC =
            "AWS region of the bucket (S3-compatible stores usually " + "accept any region).";
    public static final String REGION_DEFAULT = "us-east-1";

    public static final String ENDPOINT_CONFIG = "s3.endpoint";
    public static final String ENDPOINT_DOC = "Endpoint URL of an S3-compatible store (MinIO, Ceph, "
            + "S3Proxy, ...), e.g. http://minio:9000. Empty means AWS S3 itself.";
    public static final String ENDPOINT_DEFAULT = "";

    public static final String PATH_STYLE_CONFIG = "s3.path.style.access";
    public static final String PATH_STYLE_DOC = "Address the bucket as a path (endpoint/bucket/key) "
            + "rather than a host name (bucket.endpoint/key). Most S3-compatible stores need true.";
    public static final boolean PATH_STYLE_DEFAULT = false;

    public static final String ACCESS_KEY_CONFIG = "s3.access.key.id";
    public static final String ACCESS_KEY_DOC = "Access key id. Empty means the AWS SDK's default "
            + "credentials chain (environment, system properties, profile, container or instance role).";
    public static final String ACCESS_KEY_DEFAULT = "";

    public static final String SECRET_KEY_CONFIG = "s3.secret.access.key";
    public static final String SECRET_KEY_DOC = "Secret access key belonging to s3.access.key.id.";
    public static final String SECRET_KEY_DEFAULT = "";

    public static final String PART_SIZE_CONFIG = "s3.part.size";
    public static final String PART_SIZE_DOC = "Files larger than this many bytes are uploaded as a "
            + "multipart upload in parts of this size; the object still appears only when complete.";
    public static final long PART_SIZE_DEFAULT = 16L * 1024 * 1024;

    public static final String REQUEST_CHECKSUM_CONFIG = "s3.request.checksum.calculation";
    public static final String REQUEST_CHECKSUM_DOC = "AWS SDK request checksum calculation: "
            + "WHEN_SUPPORTED or WHEN_REQUIRED. Empty means WHEN_REQUIRED when s3.endpoint is set and "
            + "WHEN_SUPPORTED otherwise, because since SDK 2.30 WHEN_SUPPORTED sends streaming checksum "
            + "trailers that S3Proxy and several S3-compatible stores reject (XAmzContentSHA256Mismatch, 501).";
    public static final String REQUEST_CHECKSUM_DEFAULT = "";

    public static final String RESPONSE_CHECKSUM_CONFIG = "s3.response.checksum.validation";
    public static final String RESPONSE_CHECKSUM_DOC = "AWS SDK response checksum validation: "
            + "WHEN_SUPPORTED or WHEN_REQUIRED. Empty means WHEN_REQUIRED when s3.endpoint is set and "
            + "WHEN_SUPPORTED otherwise.";
    public static final String RESPONSE_CHECKSUM_DEFAULT = "";

    public static final String RETRY_ATTEMPTS_CONFIG = "s3.retry.max.attempts";
    public static final String RETRY_ATTEMPTS_DOC = "Attempts per S3 request inside the SDK (with "
            + "exponential back-off) before the task backs off itself and tries again later.";
    public static final int RETRY_ATTEMPTS_DEFAULT = 3;

    public static final ConfigDef CONFIG_DEF = configDef();

    public S3StorageConfig(Map<String, ?> originals) {
        super(CONFIG_DEF, originals, false);
    }

    public static ConfigDef configDef() {
        int order = 0;
        return new ConfigDef()
                .define(
                        BUCKET_CONFIG,
                        Type.STRING,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        BUCKET_DOC,
                        GROUP,
                        ++order,
                        ConfigDef.Width.MEDIUM,
                        BUCKET_CONFIG)
                .define(
                        REGION_CONFIG,
                        Type.STRING,
                        REGION_DEFAULT,
                        Importance.HIGH,
                        REGION_DOC,
                        GROUP,
                        ++order,
                        ConfigDef.Width.SHORT,
                        REGION_CONFIG)
                .define(
                        ENDPOINT_CONFIG,
                        Type.STRING,
                        ENDPOINT_DEFAULT,
                        Importance.MEDIUM,
                        ENDPOINT_DOC,
                        GROUP,
                        ++order,
                        ConfigDef.Width.LONG,
                        ENDPOINT_CONFIG)
                .define(
                        PATH_STYLE_CONFIG,
                        Type.BOOLEAN,
                        PATH_STYLE_DEFAULT,
                        Importance.MEDIUM,
                        PATH_STYLE_DOC,
                        GROUP,
                        ++order,
                        ConfigDef.Width.SHORT,
                        PATH_STYLE_CONFIG)
                .define(
                        ACCESS_KEY_CONFIG,
                        Type.STRING,
                        ACCESS_KEY_DEFAULT,
                        Importance.MEDIUM,
                        ACCESS_KEY_DOC,
                        GROUP,
                        ++order,
                        ConfigDef.Width.MEDIUM,
                        ACCESS_KEY_CONFIG)
                .define(
                        SECRET_KEY_CONFIG,
                        Type.PASSWORD,
                        SECRET_KEY_DEFAULT,
                        Importance.MEDIUM,
                        SECRET_KEY_DOC,
                        GROUP,
                        ++order,
                        ConfigDef.Width.MEDIUM,
                        SECRET_KEY_CONFIG)
                .define(
                        PART_SIZE_CONFIG,
                        Type.LONG,
                        PART_SIZE_DEFAULT,
                        ConfigDef.Range.between(5L * 1024 * 1024, 1024L * 1024 * 1024),
                        Importance.LOW,
                        PART_SIZE_DOC,
                        GROUP,
                        ++order,
                        ConfigDef.Width.SHORT,
                        PART_SIZE_CONFIG)
                .define(
                        REQUEST_CHECKSUM_CONFIG,
                        Type.STRING,
                        REQUEST_CHECKSUM_DEFAULT,
                        ConfigDef.ValidString.in("", "WHEN_SUPPORTED", "WHEN_REQUIRED"),
                        Importance.LOW,
                        REQUEST_CHECKSUM_DOC,
                        GROUP,
                        ++order,
                        ConfigDef.Width.SHORT,
                        REQUEST_CHECKSUM_CONFIG)
                .define(
                        RESPONSE_CHECKSUM_CONFIG,
                        Type.STRING,
                        RESPONSE_CHECKSUM_DEFAULT,
                        ConfigDef.ValidString.in("", "WHEN_SUPPORTED", "WHEN_REQUIRED"),
                        Importance.LOW,
                        RESPONSE_CHECKSUM_DOC,
                        GROUP,
                        ++order,
                        ConfigDef.Width.SHORT,
                        RESPONSE_CHECKSUM_CONFIG)
                .define(
                        RETRY_ATTEMPTS_CONFIG,
                        Type.INT,
                        RETRY_ATTEMPTS_DEFAULT,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        RETRY_ATTEMPTS_DOC,
                        GROUP,
                        ++order,
                        ConfigDef.Width.SHORT,
                        RETRY_ATTEMPTS_CONFIG);
    }

    public String bucket() {
        return getString(BUCKET_CONFIG);
    }

    /** The checksum mode in force: explicit setting, else the safe choice for custom endpoints. */
    public RequestChecksumCalculation requestChecksumCalculation() {
        String value = getString(REQUEST_CHECKSUM_CONFIG);
        if (value.isEmpty()) {
            return hasCustomEndpoint()
                    ? RequestChecksumCalculation.WHEN_REQUIRED
                    : RequestChecksumCalculation.WHEN_SUPPORTED;
        }
        return RequestChecksumCalculation.valueOf(value.toUpperCase(Locale.ROOT));
    }

    public ResponseChecksumValidation responseChecksumValidation() {
        String value = getString(RESPONSE_CHECKSUM_CONFIG);
        if (value.isEmpty()) {
            return hasCustomEndpoint()
                    ? ResponseChecksumValidation.WHEN_REQUIRED
                    : ResponseChecksumValidation.WHEN_SUPPORTED;
        }
        return ResponseChecksumValidation.valueOf(value.toUpperCase(Locale.ROOT));
    }

    private boolean hasCustomEndpoint() {
        return !getString(ENDPOINT_CONFIG).isBlank();
    }

    public S3Client buildClient() {
        String accessKey = getString(ACCESS_KEY_CONFIG);
        Password secret = getPassword(SECRET_KEY_CONFIG);
        AwsCredentialsProvider credentials = accessKey.isBlank()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret.value()));
        int attempts = getInt(RETRY_ATTEMPTS_CONFIG);
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(getString(REGION_CONFIG)))
                .credentialsProvider(credentials)
                .forcePathStyle(getBoolean(PATH_STYLE_CONFIG))
                .requestChecksumCalculation(requestChecksumCalculation())
                .responseChecksumValidation(responseChecksumValidation())
                .httpClientBuilder(Apache5HttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(retry -> retry.maxAttempts(attempts)));
        if (hasCustomEndpoint()) {
            builder.endpointOverride(URI.create(getString(ENDPOINT_CONFIG).trim()));
        }
        return builder.build();
    }

    public S3ShardStorage buildStorage() {
        return new S3ShardStorage(buildClient(), bucket(), getLong(PART_SIZE_CONFIG));
    }
}
