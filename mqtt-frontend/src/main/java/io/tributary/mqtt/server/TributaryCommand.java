/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.tributary.mqtt.admin.AdminCommand;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.KafkaClientSettings;
import io.tributary.mqtt.config.ListenerSettings;
import io.tributary.mqtt.config.OpsSettings;
import io.tributary.mqtt.config.TributaryVersion;
import io.tributary.mqtt.embedded.EmbeddedKafka;
import io.tributary.mqtt.kafka.TopicProvisioner.TopicSetupException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/tributary}: starts one broker node, with an embedded single-node Kafka unless
 * {@code --kafka-bootstrap} names a cluster. Options override the {@code --config} file, which overrides
 * the defaults.
 */
@Command(
        name = "tributary",
        mixinStandardHelpOptions = true,
        versionProvider = TributaryCommand.Version.class,
        description = "Starts a Tributary MQTT broker node on Kafka.",
        sortOptions = false,
        subcommands = {PasswdCommand.class, AdminCommand.class})
public final class TributaryCommand implements Callable<Integer> {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file with broker settings " + "(see docs/configuration.md).")
    Path configFile;

    @Option(names = "--mqtt-port", paramLabel = "PORT", description = "MQTT TCP port (default 1883).")
    Integer mqttPort;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on (default 127.0.0.1).")
    String bind;

    @Option(
            names = "--listeners",
            paramLabel = "URLS",
            description = "Every MQTT listener, e.g. tcp://127.0.0.1:1883,tls://0.0.0.0:8883,"
                    + "ws://127.0.0.1:8080/mqtt,wss://0.0.0.0:8443/mqtt (setting listeners; not with --mqtt-port "
                    + "or --bind).")
    String listeners;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory of the embedded Kafka (default ./data).")
    Path dataDir;

    @Option(names = "--kafka-port", paramLabel = "PORT", description = "Port of the embedded Kafka (default 9092).")
    Integer kafkaPort;

    @Option(
            names = "--kafka-bootstrap",
            paramLabel = "HOST:PORT",
            description = "Use this Kafka cluster; " + "no embedded Kafka is started.")
    String kafkaBootstrap;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "A setting of docs/configuration.md, over the --config file (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(
            names = "--lake",
            paramLabel = "DIR",
            description = "Also run a Kafka Connect worker beside the node that writes every MQTT message into the "
                    + "Iceberg table lake.mqtt.messages in DIR (SQLite catalog, local files; see docs/iceberg.md).")
    Path lakeDir;

    @Option(
            names = "--lake-connect-port",
            paramLabel = "PORT",
            description = "REST port of the lake's Connect worker on 127.0.0.1 (default 8083).")
    int lakeConnectPort = LakeWorkerProcess.DEFAULT_REST_PORT;

    @Option(
            names = "--log-format",
            paramLabel = "text|json",
            description = "Log lines as one-line text (default) or as JSON lines for log shippers "
                    + "(also TRIBUTARY_LOG_FORMAT=json).")
    String logFormat; // read by main() before logging starts; declared here for --help and validation

    private final CountDownLatch stopped = new CountDownLatch(1);

    /** {@code -V}: the Maven project version this build was made from. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Tributary " + TributaryVersion.current()};
        }
    }

    @Override
    public Integer call() throws Exception {
        if (logFormat != null && !logFormat.equals("text") && !logFormat.equals("json")) {
            throw new ConfigException("--log-format", logFormat, "must be text or json");
        }
        BrokerConfig config = new BrokerConfig(settings());
        LakeWorkerProcess.Plan lakePlan =
                lakeDir == null ? null : LakeWorkerProcess.Plan.check(lakeDir, lakeConnectPort);
        // Ports first: one in use fails the start before an embedded Kafka formats its directory.
        NodeListeners listeners = NodeListeners.bind(config);
        String bootstrap = config.getString(BrokerConfig.KAFKA_BOOTSTRAP_CONFIG);
        EmbeddedKafka kafka = null;
        try {
            if (bootstrap.isBlank()) {
                kafka = new EmbeddedKafka(
                        Path.of(config.getString(BrokerConfig.DATA_DIR_CONFIG)),
                        config.getString(BrokerConfig.MQTT_BIND_CONFIG),
                        config.getInt(BrokerConfig.KAFKA_EMBEDDED_PORT_CONFIG));
                kafka.start();
                bootstrap = kafka.bootstrapServers();
            } else {
                KafkaProbe.check(KafkaClientSettings.common(config, bootstrap), KafkaProbe.ANSWER_TIMEOUT);
            }
        } catch (RuntimeException e) {
            listeners.closeUnopened();
            throw e;
        }
        BrokerNode node;
        try {
            node = BrokerNode.start(config, bootstrap, listeners); // closes the listeners if it fails
        } catch (RuntimeException e) {
            if (kafka != null) {
                kafka.close();
            }
            throw e;
        }
        EmbeddedKafka embedded = kafka;
        LakeWorkerProcess lakeWorker = startLake(lakePlan, config, bootstrap, node, embedded);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("Tributary stopping...");
                            if (lakeWorker != null) {
                                lakeWorker.close(); // first: its sink commits while Kafka is still up
                            }
                            node.close();
                            if (embedded != null) {
                                embedded.close();
                            }
                            stopped.countDown();
                        },
                        "tributary-shutdown"));
        System.out.println("Tributary is running.");
        // Every MQTT listener, e.g. "  MQTT:  tcp://127.0.0.1:1883" and "  MQTT:  wss://127.0.0.1:8443/mqtt".
        node.mqttListeners().forEach(url -> System.out.println("  MQTT:  " + url.replaceFirst("^mqtt://", "tcp://")));
        System.out.println("  Kafka: " + bootstrap
                + (embedded != null
                        ? " (embedded, data in " + config.getString(BrokerConfig.DATA_DIR_CONFIG) + ")"
                        : ""));
        System.out.println("  Auth:  " + node.clusterWideSettings() + " (cluster-wide)");
        OpsSettings.HostPort ops = OpsSettings.opsListener(config);
        if (ops != null) {
            System.out.println("  Ops:   http://" + new OpsSettings.HostPort(ops.host(), node.opsPort())
                    + "/metrics, /health/live, /health/ready");
        }
        if (lakeWorker != null) {
            lakeWorker.describe().forEach(System.out::println);
        }
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
        return 0;
    }

    /** The lake's Connect worker, once the node runs (it reads the node's topics); on failure the node stops. */
    private static @Nullable LakeWorkerProcess startLake(
            LakeWorkerProcess.@Nullable Plan plan,
            BrokerConfig config,
            String bootstrap,
            BrokerNode node,
            @Nullable EmbeddedKafka kafka) {
        if (plan == null) {
            return null;
        }
        try {
            return plan.start(
                    bootstrap,
                    LakeWorkerProcess.messageTopics(config, node.placementImage()),
                    KafkaClientSettings.common(config, bootstrap));
        } catch (RuntimeException e) {
            node.close();
            if (kafka != null) {
                kafka.close();
            }
            throw e;
        }
    }

    /** Defaults < config file < command-line options < {@code --set}. */
    Map<String, Object> settings() throws IOException {
        Map<String, Object> settings = new HashMap<>();
        if (configFile != null) {
            if (!Files.isReadable(configFile)) {
                throw new ConfigException("--config", configFile.toString(), "file not found or not readable");
            }
            Properties props = new Properties();
            try (InputStream in = Files.newInputStream(configFile)) {
                props.load(in);
            }
            props.forEach((k, v) -> settings.put(k.toString(), v.toString().trim()));
        }
        put(settings, BrokerConfig.MQTT_PORT_CONFIG, mqttPort);
        put(settings, BrokerConfig.MQTT_BIND_CONFIG, bind);
        put(settings, ListenerSettings.LISTENERS_CONFIG, listeners);
        put(settings, BrokerConfig.DATA_DIR_CONFIG, dataDir);
        put(settings, BrokerConfig.KAFKA_EMBEDDED_PORT_CONFIG, kafkaPort);
        put(settings, BrokerConfig.KAFKA_BOOTSTRAP_CONFIG, kafkaBootstrap);
        settings.putAll(overrides);
        return settings;
    }

    private static void put(Map<String, Object> settings, String key, Object value) {
        if (value != null) {
            settings.put(key, value.toString());
        }
    }

    public static void main(String[] args) {
        chooseLogFormat(args, System.getenv("TRIBUTARY_LOG_FORMAT"));
        if (args.length > 0 && (args[0].equals("admin") || args[0].equals("passwd"))) {
            // The tools print their results on stdout; a node's INFO lines (store loaded, ...) would be noise.
            System.setProperty("tributary.log.level", System.getProperty("tributary.log.level", "WARN"));
        }
        System.exit(run(args, new PrintWriter(System.err, true)));
    }

    /**
     * Sets {@code tributary.log.format} (what the shipped log4j2.xml selects its layout by) from {@code --log-format}
     * or else the environment, before the first logger exists: Log4j reads its configuration once.
     */
    static void chooseLogFormat(String[] args, @Nullable String fromEnvironment) {
        String format = fromEnvironment;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--log-format") && i + 1 < args.length) {
                format = args[i + 1];
            } else if (args[i].startsWith("--log-format=")) {
                format = args[i].substring("--log-format=".length());
            }
        }
        if (format != null && !format.isBlank() && System.getProperty("tributary.log.format") == null) {
            System.setProperty("tributary.log.format", format.trim().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** Runs the command; every failure is one line on {@code err} naming what is wrong, and exit code 2. */
    static int run(String[] args, PrintWriter err) {
        return run(args, new PrintWriter(System.out, true), err);
    }

    /** As {@link #run(String[], PrintWriter)}, with the standard output of the command on {@code out}. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new TributaryCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("tributary: " + ex.getMessage() + " (see --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            err.println("tributary: " + describe(ex));
            return ex instanceof ConfigException ? 2 : 1;
        });
        return cli.execute(args);
    }

    static String describe(Exception e) {
        if (e instanceof ConfigException) {
            return "invalid configuration: " + e.getMessage();
        }
        if (e instanceof IllegalArgumentException) {
            return "invalid request: " + e.getMessage();
        }
        if (e instanceof TopicSetupException) {
            return "Kafka topic setup failed: " + e.getMessage();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
