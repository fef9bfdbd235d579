/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the placement topic when it is missing: one partition (all metadata in one total order, and a
 * few thousand records at most), compacted, never deleted by time. An existing topic must be compacted.
 */
public final class PlacementTopic {

    private PlacementTopic() {}

    public static void ensure(Admin admin, String topic, short replicationFactor) {
        try {
            try {
                admin.createTopics(List.of(new NewTopic(topic, 1, replicationFactor)
                                .configs(Map.of(
                                        TopicConfig.CLEANUP_POLICY_CONFIG,
                                        TopicConfig.CLEANUP_POLICY_COMPACT,
                                        TopicConfig.RETENTION_MS_CONFIG,
                                        "-1"))))
                        .all()
                        .get(60, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException(
                            "cannot create placement topic " + topic + ": "
                                    + e.getCause().getMessage(),
                            e.getCause());
                }
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource))
                    .all()
                    .get(60, TimeUnit.SECONDS)
                    .get(resource);
            String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            if (policy == null || !policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                throw new IllegalStateException("placement topic " + topic + " has cleanup.policy=" + policy
                        + "; it must be compact, or metadata would be deleted by retention");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot check placement topic " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
