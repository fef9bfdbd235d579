/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.placement;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.placement.Entity;
import io.tributary.placement.Kind;
import io.tributary.placement.PlacementChange;
import io.tributary.placement.PlacementImage;
import io.tributary.placement.PlacementListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security settings every node of a cluster shares ({@link BrokerConfig#CLUSTER_WIDE_KEYS}: {@code auth.mode},
 * {@code acl.no.match}, {@code auth.client-id.must-match}, {@code acl.subscribe.overlapping.deny}), kept as
 * {@code config/...} entries of the cluster metadata. A node joining a cluster:
 *
 * <ul>
 *   <li>stores its own value when the cluster has none yet (the first node decides, explicitly or by default);
 *   <li>refuses to start when its configuration sets a value explicitly and the cluster's differs: a node that
 *       would let clients skip authentication must not serve them, and a file must not say one thing while the
 *       node does another;
 *   <li>otherwise (the setting left out of its file) takes the cluster's value.
 * </ul>
 *
 * Then it follows the entries: {@code bin/tributary admin config put auth.mode required} reaches every node within a
 * second, so the cluster never runs two modes for longer than that. docs/architecture.md says why this design.
 */
public final class ClusterWideSettings implements PlacementListener {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterWideSettings.class);

    /** Who gets in and what an unmatched request gets first: what a reader of the start banner looks for. */
    private static final List<String> SUMMARY_ORDER = List.of(
            BrokerConfig.AUTH_MODE_CONFIG,
            BrokerConfig.ACL_NO_MATCH_CONFIG,
            BrokerConfig.AUTH_CLIENT_ID_MUST_MATCH_CONFIG,
            BrokerConfig.ACL_SUBSCRIBE_OVERLAPPING_DENY_CONFIG);

    /** What a node does with its settings against the cluster's; pure, so a unit test states every case. */
    record Reconciliation(Map<String, String> inForce, Map<String, String> toStore, List<String> conflicts) {}

    private final BrokerConfig own;
    private final Consumer<Map<String, String>> apply;
    private Map<String, String> inForce = Map.of();

    private ClusterWideSettings(BrokerConfig own, Consumer<Map<String, String>> apply) {
        this.own = own;
        this.apply = apply;
    }

    /**
     * Joins the cluster whose metadata {@code placement} has read: stores what the cluster lacks, hands the values
     * in force to {@code apply} (now and on every change), or fails the start.
     *
     * @throws ConfigException naming each setting, this node's value and the cluster's, when they differ
     */
    public static ClusterWideSettings join(BrokerConfig own, Placement placement, Consumer<Map<String, String>> apply) {
        ClusterWideSettings settings = new ClusterWideSettings(own, apply);
        Reconciliation r = reconcile(own, placement.store().image());
        if (!r.conflicts().isEmpty()) {
            throw new ConfigException(String.join("; ", r.conflicts()));
        }
        r.toStore().forEach((k, v) -> placement.admin().put(new Entity.Config(k, 0, v)));
        placement.store().addListener(settings);
        settings.follow(placement.store().image()); // another node may have stored its value at the same moment
        LOG.info("Cluster-wide settings in force: {}", settings.summary());
        return settings;
    }

    /**
     * The values every node of the cluster applies, e.g. {@code auth.mode=required, acl.no.match=deny,
     * auth.client-id.must-match=none, acl.subscribe.overlapping.deny=filter}.
     */
    public synchronized String summary() {
        List<String> parts = new ArrayList<>();
        for (String key : SUMMARY_ORDER) {
            if (inForce.containsKey(key)) {
                parts.add(key + "=" + inForce.get(key));
            }
        }
        return String.join(", ", parts);
    }

    @Override
    public void onChange(PlacementChange change) {
        if (change.touches(Kind.CONFIG)) {
            follow(change.image());
        }
    }

    private synchronized void follow(PlacementImage image) {
        Map<String, String> next = new TreeMap<>(inForce);
        for (String key : BrokerConfig.CLUSTER_WIDE_KEYS) {
            Entity.Config entry = image.configs().get(key);
            String value = entry == null ? null : valid(key, entry.value());
            if (entry != null && value == null) {
                LOG.error(
                        "Ignoring the cluster's {}={}: not a valid value; keeping {}",
                        key,
                        entry.value(),
                        next.get(key));
            }
            if (value != null) {
                next.put(key, value);
            } else if (!next.containsKey(key)) {
                next.put(key, ownValue(own, key));
            }
        }
        if (next.equals(inForce)) {
            return;
        }
        if (!inForce.isEmpty()) {
            next.forEach((k, v) -> {
                if (!v.equals(inForce.get(k))) {
                    LOG.warn(
                            "Cluster-wide setting changed: {}={} on every node (was {}){}",
                            k,
                            v,
                            inForce.get(k),
                            fileNote(k, v));
                }
            });
        }
        inForce = Map.copyOf(next);
        apply.accept(inForce);
    }

    private String fileNote(String key, String clusterValue) {
        return explicit(own, key) && !ownValue(own, key).equals(clusterValue)
                ? "; this node's configuration says " + key + "=" + ownValue(own, key)
                        + ": change it before the next restart, or the node will refuse to start"
                : "";
    }

    /** Compares this node's settings with the cluster's entries. */
    static Reconciliation reconcile(BrokerConfig own, PlacementImage image) {
        Map<String, String> inForce = new TreeMap<>();
        Map<String, String> toStore = new TreeMap<>();
        List<String> conflicts = new ArrayList<>();
        String topic = own.getString(BrokerConfig.PLACEMENT_TOPIC_CONFIG);
        for (String key : new TreeSet<>(BrokerConfig.CLUSTER_WIDE_KEYS)) {
            String mine = ownValue(own, key);
            Entity.Config entry = image.configs().get(key);
            String cluster = entry == null ? null : valid(key, entry.value());
            if (entry != null && cluster == null) {
                conflicts.add("the cluster's " + key + "=" + entry.value() + " (in " + topic + ") is not valid: set "
                        + "it with bin/tributary admin config put " + key + " VALUE");
            } else if (cluster == null) {
                toStore.put(key, mine);
                inForce.put(key, mine);
            } else if (explicit(own, key) && !cluster.equals(mine)) {
                conflicts.add("this node's " + key + "=" + mine + " differs from the cluster's " + key + "="
                        + cluster + " (stored in " + topic + "), and every node of a cluster must use the same "
                        + "value: set " + key + "=" + cluster + " (or leave it out to follow the cluster), or change "
                        + "the cluster's value with bin/tributary admin config put " + key + " " + mine);
            } else {
                inForce.put(key, cluster);
            }
        }
        return new Reconciliation(inForce, toStore, conflicts);
    }

    /** Whether the node's configuration names the setting (else it has the default, and follows the cluster). */
    private static boolean explicit(BrokerConfig own, String key) {
        return own.originals().containsKey(key);
    }

    private static String ownValue(BrokerConfig own, String key) {
        return own.getString(key).trim().toLowerCase(Locale.ROOT);
    }

    /** The entry's value as the nodes compare it, or null when it is not a valid value of the setting. */
    private static String valid(String key, String value) {
        ConfigDef.ConfigKey def = BrokerConfig.CONFIG_DEF.configKeys().get(key);
        try {
            def.validator.ensureValid(key, value);
            return value.trim().toLowerCase(Locale.ROOT);
        } catch (ConfigException e) {
            return null;
        }
    }
}
