/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The settings of exactly-once QoS 2 through Kafka transactions (docs/architecture.md, "Exactly once"): one
 * constant quartet per setting, as in {@link BrokerConfig}, kept apart so the transactional path reads on its own.
 */
public final class ExactlyOnceSettings {

    private ExactlyOnceSettings() {}

    static final String GROUP = "Exactly once (QoS 2 through Kafka transactions)";

    public static final String ENABLED_CONFIG = "qos2.exactly.once";
    public static final String ENABLED_DOC = "Write every session record, and each QoS 2 message of a persistent "
            + "session together with its session's QoS 2 state, through a transactional producer (one Kafka "
            + "transaction per batch), and acknowledge only after the commit: QoS 2 is delivered exactly once "
            + "across crashes. Needs a Kafka cluster that allows transactions for the node's transactional id. "
            + "false: the idempotent producer writes everything, and QoS 2 may repeat after a crash.";
    public static final boolean ENABLED_DEFAULT = true;

    public static final String TRANSACTIONAL_ID_PREFIX_CONFIG = "kafka.transactional.id.prefix";
    public static final String TRANSACTIONAL_ID_PREFIX_DOC = "The node's transactional id is this prefix followed "
            + "by the sessions topic, a dash and node.id (tributary-tx-mqtt.sessions-node-1), so two Tributary "
            + "clusters on one Kafka cluster never fence each other. A node restarted under the same node.id fences the earlier process (it can no longer "
            + "commit), and a node that takes over the sessions of a dead node fences that node's id too.";
    public static final String TRANSACTIONAL_ID_PREFIX_DEFAULT = "tributary-tx-";

    public static final String LINGER_CONFIG = "kafka.transaction.linger.ms";
    public static final String LINGER_DOC = "How long the transactional writer waits for more writes before it "
            + "begins a transaction. Writes that arrive while a commit is running always go into the next "
            + "transaction together, so 0 already batches under load.";
    public static final int LINGER_DEFAULT = 0;

    public static final String MAX_BATCH_CONFIG = "kafka.transaction.max.batch";
    public static final String MAX_BATCH_DOC =
            "The most writes (a QoS 2 message with its session record, or one " + "session record) in one transaction.";
    public static final int MAX_BATCH_DEFAULT = 2000;

    public static final String TIMEOUT_CONFIG = "kafka.transaction.timeout.ms";
    public static final String TIMEOUT_DOC = "transaction.timeout.ms of the transactional producer: the longest a "
            + "transaction of a node that died stays open. Readers (read_committed) of the partitions it wrote "
            + "wait for it, unless the node restarts or another node takes its sessions over (both abort it).";
    public static final int TIMEOUT_DEFAULT = 10_000;

    static void define(ConfigDef def) {
        BrokerConfigDef.Grouped g = new BrokerConfigDef.Grouped(def, GROUP);
        g.define(ENABLED_CONFIG, Type.BOOLEAN, ENABLED_DEFAULT, null, Importance.MEDIUM, ENABLED_DOC);
        g.define(
                TRANSACTIONAL_ID_PREFIX_CONFIG,
                Type.STRING,
                TRANSACTIONAL_ID_PREFIX_DEFAULT,
                new ConfigDef.NonEmptyString(),
                Importance.LOW,
                TRANSACTIONAL_ID_PREFIX_DOC);
        g.define(LINGER_CONFIG, Type.INT, LINGER_DEFAULT, Range.between(0, 1000), Importance.LOW, LINGER_DOC);
        g.define(MAX_BATCH_CONFIG, Type.INT, MAX_BATCH_DEFAULT, Range.atLeast(1), Importance.LOW, MAX_BATCH_DOC);
        g.define(TIMEOUT_CONFIG, Type.INT, TIMEOUT_DEFAULT, Range.atLeast(1000), Importance.LOW, TIMEOUT_DOC);
    }
}
