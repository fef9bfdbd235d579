/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import io.tributary.placement.Entity;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The {@code bin/tributary admin} subcommands that the live nodes answer over their admin HTTP API rather than the
 * placement topic: what only a node knows (its connected clients, the sessions it holds) or can do (disconnect a
 * client). The nodes' HTTP addresses come from their registered listeners in the metadata.
 */
final class NodeApiCommands {

    private NodeApiCommands() {}

    /** Calls every live node's admin API; used for what only nodes know (their connected clients). */
    static int eachNode(AdminCommand admin, String method, String path, Function<String, Boolean> onBody) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, Entity.Node> nodes = admin.withAdmin(a -> a.image().nodes());
        int reached = 0;
        for (Entity.Node n : nodes.values()) {
            for (String l : n.listeners()) {
                if (!l.startsWith("http://")) {
                    continue;
                }
                try {
                    HttpResponse<String> r = http.send(
                            HttpRequest.newBuilder(URI.create(l + path))
                                    .method(method, HttpRequest.BodyPublishers.noBody())
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    reached++;
                    if (r.statusCode() == 200 && onBody.apply(r.body())) {
                        return 0;
                    }
                } catch (IOException e) {
                    admin.spec
                            .commandLine()
                            .getErr()
                            .println("tributary admin: node " + n.name() + " not reachable at " + l + ": "
                                    + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 1;
                }
            }
        }
        if (reached == 0) {
            admin.spec
                    .commandLine()
                    .getErr()
                    .println("tributary admin: no live node serves the admin HTTP API; set "
                            + "admin.http.port on the nodes (it is off by default)");
            return 1;
        }
        return 0;
    }

    @Command(
            name = "sessions",
            description = "List the persistent sessions of the cluster: owner node, connected or "
                    + "not, expiry, subscriptions (asks one node's admin HTTP API; every node knows them all).")
    static final class Sessions implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Override
        public Integer call() {
            boolean[] done = {false};
            int rc = eachNode(admin, "GET", "/v1/sessions", body -> {
                admin.out().println(body.strip());
                done[0] = true;
                return true;
            });
            return done[0] ? 0 : Math.max(rc, 1);
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
            return eachNode(admin, "GET", "/v1/clients", body -> {
                admin.out().println(body.strip());
                return false;
            });
        }
    }

    @Command(
            name = "kick",
            description = "Disconnect a client from whichever node it is connected to "
                    + "(MQTT 5 clients get DISCONNECT 0x98 Administrative action).")
    static final class Kick implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Parameters(paramLabel = "CLIENT_ID")
        String clientId;

        @Override
        public Integer call() {
            boolean[] done = {false};
            eachNode(
                    admin,
                    "DELETE",
                    "/v1/clients/"
                            + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                                    .replace("+", "%20"),
                    body -> done[0] = true);
            if (!done[0]) {
                admin.spec
                        .commandLine()
                        .getErr()
                        .println("tributary admin: client " + clientId + " is not connected to any node");
                return 1;
            }
            admin.out().println("disconnected " + clientId);
            return 0;
        }
    }
}
