/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.placement;

import io.tributary.mqtt.config.MappingRule;
import io.tributary.mqtt.kafka.ShardReader;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.placement.Entity;
import io.tributary.placement.Kind;
import io.tributary.placement.PlacementChange;
import io.tributary.placement.PlacementImage;
import io.tributary.placement.PlacementListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the node's {@link TopicRouter} in step with the mapping rules of the cluster metadata: the rules of
 * the node's configuration file first (in their order), then those of the placement topic (by name).
 *
 * <p>Order of a change, so that no message is routed where no one reads: a rule naming a Kafka topic the
 * node does not read yet has its topic created (or checked), the shard reader starts reading its partitions,
 * and only then does the router send PUBLISHes there. A rule that is deleted stops routing at once; the
 * node keeps reading its topic (records written to it by plain Kafka producers still reach subscribers,
 * with the record key as MQTT topic). An invalid rule (written by a tool that skipped validation) is logged
 * and ignored; the others apply.
 */
public final class MappingSync implements PlacementListener {

    private static final Logger LOG = LoggerFactory.getLogger(MappingSync.class);

    /** Creates (or checks) topics and returns their partition counts; blocking, off the event loops. */
    public interface TopicSetup extends Function<Set<String>, Map<String, Integer>> {}

    private final List<MappingRule> configured;
    private final Set<String> internalTopics;
    private final TopicRouter router;
    private final ShardReader reader;
    private final TopicSetup topics;
    private List<MappingRule> applied;

    public MappingSync(
            List<MappingRule> configured,
            Set<String> internalTopics,
            TopicRouter router,
            ShardReader reader,
            TopicSetup topics) {
        this.configured = List.copyOf(configured);
        this.internalTopics = internalTopics;
        this.router = router;
        this.reader = reader;
        this.topics = topics;
        this.applied = router.rules();
    }

    /** The rules a metadata image asks for: configured ones first, then valid placement ones by name. */
    public static List<MappingRule> rulesOf(
            List<MappingRule> configured, Set<String> internalTopics, PlacementImage image) {
        List<MappingRule> rules = new ArrayList<>(configured);
        for (Entity.Mapping m : image.mappings().values()) {
            try {
                MappingRule rule = MappingRule.of(m);
                if (internalTopics.contains(rule.kafkaTopic())) {
                    throw new IllegalArgumentException("targets the internal topic " + rule.kafkaTopic());
                }
                rules.add(rule);
            } catch (RuntimeException e) {
                LOG.warn(
                        "Ignoring mapping rule '{}' (version {}) of the cluster metadata: {}",
                        m.name(),
                        m.version(),
                        e.getMessage());
            }
        }
        return rules;
    }

    @Override
    public void onChange(PlacementChange change) {
        if (change.touches(Kind.MAPPING)) {
            apply(change.image());
        }
    }

    /** Brings the router to the rules of {@code image}; idempotent. */
    public synchronized void apply(PlacementImage image) {
        List<MappingRule> wanted = rulesOf(configured, internalTopics, image);
        if (wanted.equals(applied)) {
            return;
        }
        Set<String> read = new java.util.HashSet<>();
        for (TopicPartition tp : reader.shards()) {
            read.add(tp.topic());
        }
        Set<String> missing = new java.util.LinkedHashSet<>();
        for (MappingRule rule : wanted) {
            if (!read.contains(rule.kafkaTopic())) {
                missing.add(rule.kafkaTopic());
            }
        }
        try {
            if (!missing.isEmpty()) {
                Map<String, Integer> counts = topics.apply(missing);
                reader.addShards(ShardReader.shardsOf(counts, missing)).get(60, TimeUnit.SECONDS);
            }
            // Subscriptions may need other topics under the new rules: read them all before the rules route.
            reader.readEverything().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            // The new topics are not usable: keep routing by the rules that work rather than lose messages.
            LOG.error(
                    "Mapping rules not applied: cannot set up or read Kafka topics {}: {}",
                    missing.isEmpty() ? read : missing,
                    e.toString());
            reader.rulesApplied();
            return;
        }
        router.update(wanted);
        reader.rulesApplied();
        applied = wanted;
        LOG.info("Mapping rules now: {}", wanted.stream().map(MappingRule::name).toList());
    }
}
