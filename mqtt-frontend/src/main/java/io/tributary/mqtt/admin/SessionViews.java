/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import io.tributary.mqtt.session.ClientSession;
import io.tributary.mqtt.session.SessionState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Connected clients and stored sessions as JSON objects, shown the same way by the admin HTTP API
 * ({@code /v1/clients}, {@code /v1/sessions}) and the web console.
 */
public final class SessionViews {

    private SessionViews() {}

    /** A client connected to this node. */
    public static Map<String, Object> connected(ClientSession s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clientId", s.clientId());
        m.put("protocolLevel", s.protocolLevel());
        m.put("remoteAddress", String.valueOf(s.channel().remoteAddress()));
        m.put("persistent", s.isPersistent());
        m.put("subscriptions", s.subscriptions().size());
        return m;
    }

    /**
     * The persistent sessions of the whole cluster as this node's view of the sessions topic holds them (every
     * node follows that topic), by client id, without delivery offsets.
     */
    public static List<Map<String, Object>> stored(List<SessionState> sessions) {
        List<SessionState> all = new ArrayList<>(sessions);
        all.sort(Comparator.comparing(SessionState::clientId));
        List<Map<String, Object>> out = new ArrayList<>();
        for (SessionState st : all) {
            out.add(stored(st));
        }
        return out;
    }

    public static Map<String, Object> stored(SessionState st) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clientId", st.clientId());
        m.put("owner", st.owner());
        m.put("connected", st.disconnectedAtMillis() == 0);
        m.put("protocolLevel", st.protocolLevel());
        m.put("expiryIntervalSeconds", st.expiryIntervalSeconds());
        long expires = st.expiresAtMillis();
        m.put(
                "expiresAt",
                expires == Long.MAX_VALUE ? null : Instant.ofEpochMilli(expires).toString());
        m.put(
                "subscriptions",
                st.subscriptions().stream()
                        .map(SessionState.StoredSubscription::filter)
                        .toList());
        return m;
    }
}
