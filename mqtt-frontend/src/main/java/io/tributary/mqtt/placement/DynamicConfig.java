/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.placement;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.placement.Entity;
import io.tributary.placement.Kind;
import io.tributary.placement.PlacementChange;
import io.tributary.placement.PlacementImage;
import io.tributary.placement.PlacementListener;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the cluster-wide settings of the metadata topic ({@code config/...} entities) over the node's own
 * configuration, for the keys of {@link BrokerConfig#DYNAMIC_KEYS}, and hands the effective configuration to
 * the components that follow it. A value that does not validate (written by a tool that skipped the admin
 * checks) is logged and left out; the node keeps its own value for that key.
 */
public final class DynamicConfig implements PlacementListener {

    private static final Logger LOG = LoggerFactory.getLogger(DynamicConfig.class);

    private final BrokerConfig base;
    private final Consumer<BrokerConfig> onChange;
    private Map<String, String> applied = Map.of();

    public DynamicConfig(BrokerConfig base, Consumer<BrokerConfig> onChange) {
        this.base = base;
        this.onChange = onChange;
    }

    @Override
    public void onChange(PlacementChange change) {
        if (change.touches(Kind.CONFIG)) {
            apply(change.image());
        }
    }

    /** Brings the effective configuration to the entries of {@code image}; idempotent. */
    public synchronized void apply(PlacementImage image) {
        Map<String, String> overrides = new HashMap<>();
        for (Entity.Config c : image.configs().values()) {
            if (BrokerConfig.CLUSTER_WIDE_KEYS.contains(c.name())) {
                continue; // ClusterWideSettings applies those
            }
            if (!BrokerConfig.DYNAMIC_KEYS.contains(c.name())) {
                LOG.warn("Ignoring cluster setting {}: not a dynamic setting", c.name());
                continue;
            }
            try {
                base.withOverrides(Map.of(c.name(), c.value()));
                overrides.put(c.name(), c.value());
            } catch (ConfigException e) {
                LOG.warn(
                        "Ignoring cluster setting {}={} (version {}): {}",
                        c.name(),
                        c.value(),
                        c.version(),
                        e.getMessage());
            }
        }
        if (overrides.equals(applied)) {
            return;
        }
        onChange.accept(base.withOverrides(overrides));
        applied = Map.copyOf(overrides);
        LOG.info("Cluster settings in force: {}", overrides);
    }
}
