/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.tributary.placement.DurationText;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before the node's Kafka clients start, that the Kafka cluster can be reached and answers; otherwise the
 * start fails within seconds with one line naming the address and the cause. Without it the clients retry
 * quietly for a minute, logging a WARN per reconnect, and the start ends in a bare {@code TimeoutException}.
 *
 * <p>Three steps: a TCP connection to each bootstrap address (refused, unknown host, no route: said at once);
 * one cluster description through an admin client with short timeouts (a listener that speaks TLS or SASL to a
 * plaintext client, wrong credentials); a TCP connection to each broker as it advertises itself (the usual
 * {@code advertised.listeners} mistake). The probe's admin client has the client id {@value #CLIENT_ID}, whose
 * log lines the shipped {@code log4j2.xml} drops: the probe's own message says what went wrong.
 */
final class KafkaProbe {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaProbe.class);

    static final String CLIENT_ID = "tributary-kafka-probe";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    private static final String CHECK = " — check --kafka-bootstrap (kafka.bootstrap.servers)";

    private KafkaProbe() {}

    /**
     * @param clientProps the node's common client settings (bootstrap servers, {@code kafka.client.*})
     * @throws IllegalStateException naming the address and the cause when Kafka cannot be used
     */
    static void check(Map<String, Object> clientProps, Duration answerTimeout) {
        String bootstrap = String.valueOf(clientProps.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        List<String> addresses = addresses(bootstrap);
        Map<String, String> failures = unreachable(addresses);
        if (failures.size() == addresses.size()) {
            throw new IllegalStateException("cannot reach Kafka at " + describe(failures) + CHECK);
        }
        Collection<Node> brokers = describeCluster(clientProps, bootstrap, answerTimeout);
        List<String> advertised =
                brokers.stream().map(n -> hostPort(n.host(), n.port())).toList();
        Map<String, String> unreachableBrokers = unreachable(advertised);
        if (!advertised.isEmpty() && unreachableBrokers.size() == advertised.size()) {
            throw new IllegalStateException("Kafka at " + bootstrap + " answered, but its brokers advertise "
                    + describe(unreachableBrokers) + ", which this node cannot reach — check the brokers' "
                    + "advertised.listeners");
        }
        if (!unreachableBrokers.isEmpty()) {
            LOG.warn(
                    "Kafka brokers advertised as {} cannot be reached from this node: partitions they lead will "
                            + "not be served",
                    describe(unreachableBrokers));
        }
    }

    private static Collection<Node> describeCluster(
            Map<String, Object> clientProps, String bootstrap, Duration answerTimeout) {
        Map<String, Object> props = new HashMap<>(clientProps);
        int timeoutMs = (int) answerTimeout.toMillis();
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, (int) CONNECT_TIMEOUT.toMillis());
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, (int) CONNECT_TIMEOUT.toMillis());
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        try (Admin admin = Admin.create(props)) {
            return admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                    .nodes()
                    .get(timeoutMs + 1000L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Kafka at " + bootstrap, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (cause instanceof AuthenticationException) {
                throw new IllegalStateException(
                        "Kafka at " + bootstrap + " refused this node: " + cause.getMessage()
                                + " — check the kafka.client.* security settings",
                        cause);
            }
            throw new IllegalStateException(
                    "Kafka at " + bootstrap + " accepted a connection but did not answer within "
                            + DurationText.of(answerTimeout) + " (a TLS or SASL listener? set "
                            + "kafka.client.security.protocol)" + CHECK,
                    cause);
        }
    }

    /** The addresses of {@code hostPorts} a TCP connection fails to, each with its reason, in order. */
    private static Map<String, String> unreachable(List<String> hostPorts) {
        Map<String, String> failures = new LinkedHashMap<>();
        for (String hostPort : hostPorts) {
            String reason = connectFailure(hostPort);
            if (reason != null) {
                failures.put(hostPort, reason);
            }
        }
        return failures;
    }

    private static @Nullable String connectFailure(String hostPort) {
        String host = Utils.getHost(hostPort);
        Integer port = Utils.getPort(hostPort);
        if (host == null || port == null) {
            return "not a host:port";
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
            return null;
        } catch (UnknownHostException e) {
            return "unknown host";
        } catch (ConnectException e) {
            return String.valueOf(e.getMessage()).toLowerCase().contains("refused")
                    ? "connection refused"
                    : String.valueOf(e.getMessage()).toLowerCase();
        } catch (NoRouteToHostException e) {
            return "no route to host";
        } catch (SocketTimeoutException e) {
            return "no answer within " + DurationText.of(CONNECT_TIMEOUT);
        } catch (IOException | IllegalArgumentException e) {
            return String.valueOf(e.getMessage());
        }
    }

    private static List<String> addresses(String bootstrap) {
        List<String> out = new ArrayList<>();
        for (String a : bootstrap.split(",")) {
            if (!a.isBlank()) {
                out.add(a.trim());
            }
        }
        return out;
    }

    /** {@code 127.0.0.1:9 (connection refused), kafka:9092 (unknown host)}. */
    private static String describe(Map<String, String> failures) {
        List<String> parts = new ArrayList<>();
        failures.forEach((address, reason) -> parts.add(address + " (" + reason + ")"));
        return String.join(", ", parts);
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
