/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.shared;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.TreeSet;

/**
 * Names the Kafka share group of a shared subscription: {@code tributary-share-<ShareName>-<hash>}, where the
 * hash covers the topic filter and the Kafka topics the group reads. Every node derives the same id for the
 * same {@code $share/ShareName/filter}, so members on different nodes are members of one share group; two
 * Tributary deployments with different message topics on one Kafka cluster do not collide.
 */
public final class ShareGroupNames {

    public static final String PREFIX = "tributary-share-";

    private ShareGroupNames() {}

    public static String groupId(String shareName, String filter, Collection<String> kafkaTopics) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(filter.getBytes(StandardCharsets.UTF_8));
            for (String topic : new TreeSet<>(kafkaTopics)) {
                sha.update((byte) 0);
                sha.update(topic.getBytes(StandardCharsets.UTF_8));
            }
            byte[] digest = sha.digest();
            return PREFIX + shareName + "-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
