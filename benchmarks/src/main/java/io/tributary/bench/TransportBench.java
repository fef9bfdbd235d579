/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Connect rate and QoS 1 publish throughput of one node over each of its transports (tcp, tls, ws, wss), in one
 * run, each reported as a ratio to plain TCP measured in the same run. The node serves all four
 * ({@code --listeners tcp://...,tls://...,ws://...,wss://...}); its TLS provider ({@code tls.provider}) is what a
 * JDK-versus-OpenSSL comparison changes between two runs.
 */
@Command(name = "transport-bench", mixinStandardHelpOptions = true, description = "TLS and WebSocket vs TCP.")
public final class TransportBench implements Callable<Integer> {

    @Option(names = "--host", description = "Broker host (default 127.0.0.1).")
    String host = "127.0.0.1";

    @Option(names = "--tcp-port", required = true)
    int tcpPort;

    @Option(names = "--tls-port", required = true)
    int tlsPort;

    @Option(names = "--ws-port", required = true)
    int wsPort;

    @Option(names = "--wss-port", required = true)
    int wssPort;

    @Option(names = "--ws-path", description = "WebSocket path without the leading slash (default mqtt).")
    String wsPath = "mqtt";

    @Option(names = "--ca-file", required = true, description = "PEM of the CA of the node's certificate.")
    Path caFile;

    @Option(names = "--connects", description = "Clients connected (with at most 32 handshakes at once).")
    int connects = 500;

    @Option(names = "--messages", description = "QoS 1 messages of one publisher, 256 bytes each.")
    int messages = 50_000;

    @Option(
            names = "--rounds",
            description = "Rounds over all four transports; the best of all but the first is reported.")
    int rounds = 2;

    /** One round's figures of one transport. */
    record Figures(double connectsPerSecond, double messagesPerSecond) {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new TransportBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        TrustManagerFactory trust = trust(caFile);
        Map<String, Figures> last = new LinkedHashMap<>();
        List<String> transports = List.of("tcp", "tls", "ws", "wss");
        for (int round = 1; round <= rounds; round++) {
            // Each round starts with another transport, so none is always measured on a colder JIT than the rest.
            for (int t = 0; t < transports.size(); t++) {
                String transport = transports.get((t + round - 1) % transports.size());
                double connectRate = connectRate(transport, trust);
                double throughput = qos1Throughput(transport, trust);
                if (round > 1 || rounds == 1) { // the first round warms the JIT; then the best of the rest
                    last.merge(
                            transport,
                            new Figures(connectRate, throughput),
                            (a, b) -> new Figures(
                                    Math.max(a.connectsPerSecond(), b.connectsPerSecond()),
                                    Math.max(a.messagesPerSecond(), b.messagesPerSecond())));
                }
                System.out.printf(
                        Locale.ROOT,
                        "round %d %-4s connects %8.0f/s  QoS 1 %8.0f msg/s%n",
                        round,
                        transport,
                        connectRate,
                        throughput);
            }
        }
        Figures tcp = last.get("tcp");
        System.out.println("Best of the rounds after the first:");
        System.out.println("| transport | connects/s | x tcp | QoS 1 msg/s | x tcp |");
        System.out.println("|---|---|---|---|---|");
        transports.forEach(transport -> print(transport, last.get(transport), tcp));
        return 0;
    }

    private static void print(String transport, Figures f, Figures tcp) {
        System.out.printf(
                Locale.ROOT,
                "| %s | %.0f | %.2f | %.0f | %.2f |%n",
                transport,
                f.connectsPerSecond(),
                f.connectsPerSecond() / tcp.connectsPerSecond(),
                f.messagesPerSecond(),
                f.messagesPerSecond() / tcp.messagesPerSecond());
    }

    /** Connects {@link #connects} clients (32 handshakes in flight at most) and returns connections per second. */
    private double connectRate(String transport, TrustManagerFactory trust) throws Exception {
        List<Mqtt5AsyncClient> clients = new ArrayList<>();
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<?>> done = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < connects; i++) {
            Mqtt5AsyncClient client = builder(transport, trust).buildAsync();
            clients.add(client);
            inFlight.acquire();
            done.add(client.connect().whenComplete((ack, error) -> inFlight.release()));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        CompletableFuture.allOf(
                        clients.stream().map(Mqtt5AsyncClient::disconnect).toArray(CompletableFuture[]::new))
                .get(60, TimeUnit.SECONDS);
        return connects / seconds;
    }

    /** One publisher, up to 1,000 QoS 1 PUBLISHes unacknowledged; messages acknowledged per second. */
    private double qos1Throughput(String transport, TrustManagerFactory trust) throws Exception {
        Mqtt5AsyncClient client = builder(transport, trust).buildAsync();
        client.connect().get(30, TimeUnit.SECONDS);
        byte[] payload = new byte[256];
        String topic = "bench/transport/" + transport;
        Semaphore window = new Semaphore(1_000);
        List<CompletableFuture<?>> acks = new ArrayList<>(messages);
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            window.acquire();
            acks.add(client.publishWith()
                    .topic(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload)
                    .send()
                    .whenComplete((r, e) -> window.release()));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        client.disconnect().get(30, TimeUnit.SECONDS);
        return messages / seconds;
    }

    private Mqtt5ClientBuilder builder(String transport, TrustManagerFactory trust) {
        int port = switch (transport) {
            case "tls" -> tlsPort;
            case "ws" -> wsPort;
            case "wss" -> wssPort;
            default -> tcpPort;
        };
        Mqtt5ClientBuilder b = MqttClient.builder()
                .useMqttVersion5()
                .identifier("bench-" + transport + "-" + UUID.randomUUID())
                .serverHost(host)
                .serverPort(port);
        if (transport.equals("tls") || transport.equals("wss")) {
            b = b.sslConfig().trustManagerFactory(trust).applySslConfig();
        }
        if (transport.startsWith("ws")) {
            b = b.webSocketConfig().serverPath(wsPath).applyWebSocketConfig();
        }
        return b;
    }

    private static TrustManagerFactory trust(Path caFile) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int i = 0;
            for (java.security.cert.Certificate c :
                    CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, (X509Certificate) c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return tmf;
    }
}
