/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The host a listener is recorded under in the cluster metadata, where other nodes (take-over, {@code kick}) and the
 * admin CLI look it up. A wildcard bind address (0.0.0.0, ::) reaches nobody, so it is replaced by this machine's
 * address: in a container or a pod that is the address its peers reach it at.
 */
final class AdvertisedHost {

    private final String configured;

    /** @param configured {@code node.advertised.host}; empty to derive it from each bind address */
    AdvertisedHost(String configured) {
        this.configured = configured == null ? "" : configured.trim();
    }

    String of(String bind) {
        if (!configured.isEmpty()) {
            return configured;
        }
        if (!isWildcard(bind)) {
            return bind;
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return InetAddress.getLoopbackAddress().getHostAddress();
        }
    }

    static boolean isWildcard(String bind) {
        try {
            return bind.isEmpty() || InetAddress.getByName(bind).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
