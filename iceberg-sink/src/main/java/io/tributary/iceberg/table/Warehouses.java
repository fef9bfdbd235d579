/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/** What a warehouse location's scheme says about where tables live. */
final class Warehouses {
    private Warehouses() {}

    static boolean isS3(String location) {
        String scheme = scheme(location);
        return scheme.equals("s3") || scheme.equals("s3a") || scheme.equals("s3n");
    }

    static boolean isHdfs(String location) {
        return scheme(location).equals("hdfs");
    }

    /** The bucket of an {@code s3://bucket/path} location. */
    static Optional<String> bucket(String location) {
        if (!isS3(location)) {
            return Optional.empty();
        }
        String host = URI.create(location.trim()).getAuthority();
        return host == null || host.isEmpty() ? Optional.empty() : Optional.of(host);
    }

    private static String scheme(String location) {
        int colon = location.indexOf(':');
        int slash = location.indexOf('/');
        if (colon <= 0 || (slash >= 0 && slash < colon)) {
            return "";
        }
        return location.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    }
}
