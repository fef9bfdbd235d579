/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import io.tributary.placement.DurationText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Makes sure the topics a node needs exist with the settings they need, or says precisely why not. */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final long TIMEOUT_SECONDS = 60;

    /** What one topic must look like. */
    public record TopicSpec(String name, int partitions, boolean compacted, Map<String, String> configs) {}

    /** Thrown when a topic is missing and cannot be created, or exists with settings the node cannot use. */
    public static final class TopicSetupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public TopicSetupException(String message, Throwable cause) {
            super(message, cause);
        }

        public TopicSetupException(String message) {
            super(message);
        }
    }

    private final Admin admin;
    private final short replicationFactor;

    public TopicProvisioner(Admin admin, short replicationFactor) {
        this.admin = admin;
        this.replicationFactor = replicationFactor;
    }

    /** Creates the missing topics and checks the existing ones. Returns the partition count of each topic. */
    public Map<String, Integer> ensure(Collection<TopicSpec> specs) {
        List<String> names = specs.stream().map(TopicSpec::name).toList();
        Map<String, Integer> partitions = new java.util.HashMap<>();
        for (TopicSpec spec : specs) {
            TopicDescription description = describe(spec.name());
            if (description == null) {
                create(spec);
                description = awaitCreated(spec.name());
            } else if (spec.compacted()) {
                checkCompacted(spec.name());
            }
            partitions.put(spec.name(), description.partitions().size());
        }
        LOG.info("Kafka topics ready: {}", names);
        return partitions;
    }

    /** A new topic takes a moment to reach every broker's metadata. */
    private TopicDescription awaitCreated(String topic) {
        long deadline = System.currentTimeMillis() + TIMEOUT_SECONDS * 1000;
        while (System.currentTimeMillis() < deadline) {
            TopicDescription description = describe(topic);
            if (description != null) {
                return description;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new TopicSetupException("topic " + topic + " was created but did not appear in the metadata within "
                + DurationText.of(Duration.ofSeconds(TIMEOUT_SECONDS)));
    }

    private TopicDescription describe(String topic) {
        try {
            return admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw new TopicSetupException(
                    "cannot describe topic " + topic + ": " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new TopicSetupException(
                    "cannot describe topic " + topic + ": Kafka did not answer within "
                            + DurationText.of(Duration.ofSeconds(TIMEOUT_SECONDS)),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicSetupException("interrupted while describing topic " + topic, e);
        }
    }

    private void create(TopicSpec spec) {
        Map<String, String> configs = new java.util.HashMap<>(spec.configs());
        configs.put(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                spec.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
        Optional<Short> rf = replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor);
        NewTopic topic = new NewTopic(spec.name(), Optional.of(spec.partitions()), rf).configs(configs);
        try {
            admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info(
                    "Created Kafka topic {} ({} partitions, {})",
                    spec.name(),
                    spec.partitions(),
                    spec.compacted() ? "compacted" : "delete retention");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return; // another node won the race
            }
            throw new TopicSetupException(
                    "cannot create topic " + spec.name() + ": "
                            + e.getCause().getClass().getSimpleName() + ": "
                            + e.getCause().getMessage(),
                    e);
        } catch (TimeoutException e) {
            throw new TopicSetupException(
                    "cannot create topic " + spec.name() + ": Kafka did not answer within "
                            + DurationText.of(Duration.ofSeconds(TIMEOUT_SECONDS)),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicSetupException("interrupted while creating topic " + spec.name(), e);
        }
    }

    private void checkCompacted(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config config = admin.describeConfigs(List.of(resource))
                    .all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(resource);
            ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            List<String> policies = policy == null
                    ? List.of()
                    : new ArrayList<>(List.of(policy.value().split(",")));
            if (!policies.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                throw new TopicSetupException("topic " + topic + " exists with cleanup.policy=" + policy.value()
                        + ", but it holds the latest state per key and needs cleanup.policy=compact");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new TopicSetupException("cannot read the configuration of topic " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicSetupException("interrupted while checking topic " + topic, e);
        }
    }
}
