/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.placement.Entity;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The {@code bin/tributary admin} subcommands that the nodes answer over their admin HTTP API rather than the
 * placement topic: what only a node knows (its connected clients, the sessions it follows) or can do (disconnect a
 * client). The nodes' HTTP addresses are their registered listeners in the metadata. The API is off by default; when
 * no node serves it, the command says so once, with the setting that turns it on, and does nothing else.
 */
final class NodeApiCommands {

    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeApiCommands() {}

    /** A node's answer: its HTTP status and JSON body. */
    record Answer(String node, int status, JsonNode body) {}

    /** The registered nodes that serve the admin HTTP API (node name → base URL), and those that do not. */
    record Endpoints(Map<String, String> http, List<String> without) {
        static Endpoints of(Map<String, Entity.Node> nodes) {
            Map<String, String> http = new TreeMap<>();
            List<String> without = new ArrayList<>();
            for (Entity.Node n : new TreeMap<>(nodes).values()) {
                n.listeners().stream()
                        .filter(l -> l.startsWith("http://") || l.startsWith("https://"))
                        .findFirst()
                        .ifPresentOrElse(l -> http.put(n.name(), l), () -> without.add(n.name()));
            }
            return new Endpoints(http, without);
        }
    }

    /** The message when no node serves the API: what is missing and the setting that turns it on. */
    static String apiOff(String command) {
        return "'" + command + "' asks the nodes' admin HTTP API, and no registered node serves it: it is off by "
                + "default. Turn it on with " + BrokerConfig.ADMIN_HTTP_PORT_CONFIG + "=PORT in each node's "
                + "configuration (it binds to " + BrokerConfig.ADMIN_HTTP_BIND_CONFIG + ", default "
                + BrokerConfig.ADMIN_HTTP_BIND_DEFAULT + ", and needs credentials: --token, --token-file or --user) "
                + "and restart the nodes.";
    }

    /**
     * Sends one request to the nodes that serve the API, in name order, until {@code done} accepts an answer (or to
     * all of them); a node that cannot be reached is one note. Null when no node serves the API (already said).
     * {@code fromEveryNode}: the answer is each node's own (its clients), so say which nodes could not be asked.
     */
    static @Nullable List<Answer> ask(
            AdminCommand admin,
            String command,
            String method,
            String path,
            Predicate<Answer> done,
            boolean fromEveryNode) {
        Output out = admin.output();
        Endpoints endpoints = admin.withMetadata(m -> Endpoints.of(m.image().nodes()));
        if (endpoints.http().isEmpty()) {
            out.note(apiOff(command));
            return null;
        }
        AdminApiClient.Options credentials = admin.apiCredentials();
        String authorization = AdminApiClient.authorization(credentials, System.getenv());
        HttpClient http =
                AdminApiClient.http(credentials.caFile(), Duration.ofSeconds(Math.min(5, admin.timeoutSeconds)));
        List<Answer> answers = new ArrayList<>();
        int refused = 0;
        for (Map.Entry<String, String> node : endpoints.http().entrySet()) {
            try {
                HttpResponse<String> r = http.send(
                        AdminApiClient.withCredentials(
                                        HttpRequest.newBuilder(URI.create(node.getValue() + path))
                                                .method(method, HttpRequest.BodyPublishers.noBody())
                                                .timeout(admin.timeout()),
                                        authorization)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 401 || r.statusCode() == 403) {
                    refused++;
                    out.note("node " + node.getKey() + " refused the request (" + r.statusCode() + ", "
                            + JSON.readTree(r.body()).path("error").asText() + ")"
                            + (authorization == null
                                    ? ": give credentials with --token, --token-file, --user or "
                                            + AdminApiClient.TOKEN_ENV
                                    : ""));
                    continue;
                }
                Answer a = new Answer(node.getKey(), r.statusCode(), JSON.readTree(r.body()));
                answers.add(a);
                if (done.test(a)) {
                    break;
                }
            } catch (IOException e) {
                out.note("node " + node.getKey() + " did not answer at " + node.getValue() + " ("
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                        + "); a stopped node keeps its record until it is deleted");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        if (answers.isEmpty() && refused == 0) {
            out.note("no node's admin HTTP API answered ("
                    + String.join(", ", endpoints.http().keySet()) + ")");
        } else if (fromEveryNode && !endpoints.without().isEmpty()) {
            out.note("not asked, no admin HTTP API: " + String.join(", ", endpoints.without()));
        }
        return answers;
    }

    @Command(
            name = "sessions",
            description = "List the persistent sessions of the cluster: owner node, connected or not, expiry, "
                    + "subscriptions (asks one node's admin HTTP API; every node knows them all).")
    static final class Sessions implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Override
        public Integer call() {
            List<Answer> answers = ask(admin, "sessions", "GET", "/v1/sessions", a -> a.status() == 200, false);
            Answer ok = answers == null
                    ? null
                    : answers.stream()
                            .filter(a -> a.status() == 200)
                            .findFirst()
                            .orElse(null);
            if (ok == null) {
                return 1;
            }
            Output out = admin.output();
            if (out.json()) {
                out.json(ok.body());
                return 0;
            }
            Table t = new Table("CLIENT-ID", "OWNER", "CONNECTED", "PROTOCOL", "EXPIRES", "SUBSCRIPTIONS");
            for (JsonNode s : ok.body()) {
                List<String> filters = new ArrayList<>();
                s.path("subscriptions").forEach(f -> filters.add(f.asText()));
                t.row(
                        s.path("clientId").asText(),
                        text(s.path("owner")),
                        s.path("connected").asBoolean() ? "yes" : "no",
                        protocol(s.path("protocolLevel").asInt()),
                        s.path("expiresAt").isNull() ? "never" : text(s.path("expiresAt")),
                        String.join(",", filters));
            }
            out.table(t);
            return 0;
        }
    }

    @Command(
            name = "clients",
            description = "List the clients connected to each node (asks the nodes' admin HTTP API).")
    static final class Clients implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Override
        public Integer call() {
            List<Answer> answers = ask(admin, "clients", "GET", "/v1/clients", a -> false, true);
            if (answers == null || answers.isEmpty()) {
                return 1;
            }
            ArrayNode all = JSON.createArrayNode();
            Table t = new Table("NODE", "CLIENT-ID", "PROTOCOL", "REMOTE-ADDRESS", "PERSISTENT", "SUBSCRIPTIONS");
            for (Answer a : answers) {
                for (JsonNode c : a.body()) {
                    ObjectNode row = JSON.createObjectNode().put("node", a.node());
                    row.setAll((ObjectNode) c);
                    all.add(row);
                    t.row(
                            a.node(),
                            c.path("clientId").asText(),
                            protocol(c.path("protocolLevel").asInt()),
                            c.path("remoteAddress").asText(),
                            c.path("persistent").asBoolean() ? "yes" : "no",
                            c.path("subscriptions").asInt());
                }
            }
            Output out = admin.output();
            if (out.json()) {
                out.json(all);
            } else {
                out.table(t);
            }
            return 0;
        }
    }

    @Command(
            name = "kick",
            description = "Disconnect a client from whichever node it is connected to "
                    + "(MQTT 5 clients get DISCONNECT 0x98 Administrative action; asks the nodes' admin HTTP API).")
    static final class Kick implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Parameters(paramLabel = "CLIENT_ID")
        String clientId;

        @Override
        public Integer call() {
            String path = "/v1/clients/"
                    + URLEncoder.encode(clientId, StandardCharsets.UTF_8).replace("+", "%20");
            List<Answer> answers = ask(admin, "kick", "DELETE", path, a -> a.status() == 200, true);
            if (answers == null || answers.isEmpty()) {
                return 1; // already said why; the client may well be connected
            }
            Answer kicked =
                    answers.stream().filter(a -> a.status() == 200).findFirst().orElse(null);
            Output out = admin.output();
            if (kicked == null) {
                List<String> asked = answers.stream().map(Answer::node).toList();
                out.note("client " + clientId + " is not connected to any node that answered ("
                        + String.join(", ", asked) + ")");
                return 1;
            }
            Map<String, String> result = new LinkedHashMap<>();
            result.put("disconnected", clientId);
            result.put("node", kicked.node());
            out.result("disconnected " + clientId + " from node " + kicked.node(), result);
            return 0;
        }
    }

    private static @Nullable String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : n.asText();
    }

    /** The MQTT version a protocol level stands for. */
    private static String protocol(int level) {
        return switch (level) {
            case 3 -> "3.1";
            case 4 -> "3.1.1";
            case 5 -> "5";
            default -> String.valueOf(level);
        };
    }
}
