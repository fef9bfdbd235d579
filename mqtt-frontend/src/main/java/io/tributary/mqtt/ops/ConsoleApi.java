/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.Counter;
import io.tributary.mqtt.admin.SessionViews;
import io.tributary.mqtt.publish.TopicRates;
import io.tributary.mqtt.session.ClientSession;
import io.tributary.mqtt.session.SessionState;
import io.tributary.mqtt.sys.ClusterStats;
import io.tributary.mqtt.sys.NodeStats;
import io.tributary.placement.Entity;
import io.tributary.placement.Kind;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The console's read-only JSON, under {@code /console/api/}; each answer is built from what the node already
 * holds (no Kafka call, so a slow cluster never stalls the ops listener's one thread, which also serves the
 * probes).
 *
 * <pre>
 * overview          this node (readiness, listeners, live rates), the cluster's nodes and totals
 * clients?q=        clients connected to this node whose id contains q (at most 200)
 * sessions?q=       stored sessions of the cluster whose id contains q (at most 200)
 * topics            messages per topic taken by this node, with rates
 * denials           ACL denials, authentication failures and limit hits of this node
 * tail?filter=&after=   messages of a topic filter numbered after {@code after} (see {@link ConsoleTail})
 * </pre>
 */
final class ConsoleApi {

    static final int MAX_ROWS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConsoleSources node;
    private final LocalRates rates;
    private final ConsoleTail tail;

    ConsoleApi(ConsoleSources node) {
        this.node = node;
        this.rates = new LocalRates(node.metrics(), node.clockMillis());
        this.tail = new ConsoleTail(node.subscribers(), node.liveShards(), node.clockMillis());
    }

    void serve(HttpExchange ex, String call) throws IOException {
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        String q = query.getOrDefault("q", "").toLowerCase(Locale.ROOT);
        Object body;
        try {
            body = switch (call) {
                case "overview" -> overview();
                case "clients" -> clients(q);
                case "sessions" -> sessions(q);
                case "topics" -> topics();
                case "denials" -> denials();
                case "tail" -> tail.poll(query.getOrDefault("filter", "#"), after(query.get("after")));
                default -> null;
            };
        } catch (IllegalArgumentException e) {
            OpsHttpServer.reply(ex, 400, "application/json", JSON.writeValueAsString(Map.of("error", e.getMessage())));
            return;
        }
        if (body == null) {
            OpsHttpServer.reply(ex, 404, "application/json", JSON.writeValueAsString(Map.of("error", "no " + call)));
            return;
        }
        OpsHttpServer.reply(ex, 200, "application/json", JSON.writeValueAsString(body));
    }

    private Map<String, Object> overview() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", node.nodeId());
        m.put("time", Instant.ofEpochMilli(node.clockMillis().getAsLong()).toString());
        m.put("ready", HealthChecks.body(node.health().evaluate()));
        m.put("listeners", node.mqttListeners());
        m.put(
                "tailUrl",
                node.mqttListeners().stream()
                        .filter(u -> u.startsWith("ws://") || u.startsWith("wss://"))
                        .findFirst()
                        .orElse(null));
        m.put("local", rates.now());
        m.put("cluster", node.cluster().summary());
        m.put("nodes", nodes());
        return m;
    }

    /** Registered nodes (cluster metadata) and reporting nodes (node stats topic), one row per id. */
    private List<Map<String, Object>> nodes() {
        Map<String, Entity> registered = node.placement().get().all(Kind.NODE);
        Map<String, ClusterStats.Report> reports = new LinkedHashMap<>();
        node.cluster().all().forEach(r -> reports.put(r.stats().nodeId(), r));
        TreeSet<String> ids = new TreeSet<>(registered.keySet());
        ids.addAll(reports.keySet());
        long now = node.clockMillis().getAsLong();
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : ids) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", id);
            row.put("self", id.equals(node.nodeId()));
            if (registered.get(id) instanceof Entity.Node n) {
                row.put("listeners", n.listeners());
                row.put("release", n.release());
                row.put("startedAt", Instant.ofEpochMilli(n.startedAtMs()).toString());
            }
            ClusterStats.Report r = reports.get(id);
            boolean fresh = r != null && node.cluster().isFresh(r);
            // reporting: its figures arrive; registered without reports: starting, or $SYS is off.
            row.put("health", fresh ? "reporting" : r != null ? "silent" : "no reports");
            if (r != null) {
                NodeStats s = r.stats();
                row.put("lastReportSecondsAgo", (now - r.receivedAtMillis()) / 1000);
                row.put("stats", s);
            }
            out.add(row);
        }
        return out;
    }

    private Map<String, Object> clients(String q) {
        List<Map<String, Object>> rows = new ArrayList<>();
        int total = 0;
        int matched = 0;
        for (ClientSession s : node.sessions().sessions()) {
            total++;
            if (s.clientId().toLowerCase(Locale.ROOT).contains(q) && matched++ < MAX_ROWS) {
                rows.add(SessionViews.connected(s));
            }
        }
        rows.sort((a, b) -> String.valueOf(a.get("clientId")).compareTo(String.valueOf(b.get("clientId"))));
        return Map.of("total", total, "matched", matched, "rows", rows);
    }

    private Map<String, Object> sessions(String q) {
        List<SessionState> all = node.storedSessions().get();
        List<SessionState> hits = all.stream()
                .filter(s -> s.clientId().toLowerCase(Locale.ROOT).contains(q))
                .toList();
        List<Map<String, Object>> rows = SessionViews.stored(hits);
        return Map.of(
                "total", all.size(), "matched", hits.size(), "rows", rows.subList(0, Math.min(MAX_ROWS, rows.size())));
    }

    private Map<String, Object> topics() {
        List<TopicRates.TopicRate> all = node.topics().rates(node.clockMillis().getAsLong());
        return Map.of("total", all.size(), "rows", all.subList(0, Math.min(MAX_ROWS, all.size())));
    }

    /** The broker's counters of refusals, read from the meter registry that /metrics serves. */
    private Map<String, Object> denials() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("acl", byTag("tributary.acl.denials", "action"));
        m.put("auth", byTag("tributary.auth.failures", "reason"));
        m.put("limits", byTag("tributary.limit.hits", "limit"));
        m.put("sysPublishesRefused", node.metrics().getSysPublishesRefused());
        return m;
    }

    private Map<String, Long> byTag(String meter, String tag) {
        Map<String, Long> out = new TreeMap<>();
        for (Counter c : node.registry().find(meter).counters()) {
            out.merge(String.valueOf(c.getId().getTag(tag)), (long) c.count(), Long::sum);
        }
        return out;
    }

    private static long after(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("after must be a number");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
