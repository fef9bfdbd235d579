/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/** Probing, picking and spelling the local ports the embedded Kafka's listeners bind to. */
final class ListenerPorts {

    private ListenerPorts() {}

    /**
     * Checked up front so the common mistake (something else on the port) gets a one-line answer instead of a
     * broker that half starts and then dies in its socket server.
     */
    static void requireFree(String bindHost, int bindPort, String what) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(bindAddress(bindHost, bindPort));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot start embedded Kafka: " + what + " " + hostPort(bindHost, bindPort) + " is already in use ("
                            + e.getMessage() + ")",
                    e);
        }
    }

    static boolean isFree(String bindHost, int bindPort) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(bindAddress(bindHost, bindPort));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port the kernel hands out as free on {@code bindHost} right now. */
    static int freePort(String bindHost) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(bindHost), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot find a free port on " + bindHost + ": " + e, e);
        }
    }

    static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    static String hostPort(String h, int p) {
        // IPv6 literals need brackets in both Kafka listener strings and bootstrap.servers.
        return (h.indexOf(':') >= 0 && !h.startsWith("[") ? "[" + h + "]" : h) + ":" + p;
    }

    private static InetSocketAddress bindAddress(String bindHost, int bindPort) {
        if (isWildcard(bindHost)) {
            return new InetSocketAddress(bindPort);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(bindHost), bindPort);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("Cannot start embedded Kafka: unknown host " + bindHost, e);
        }
    }
}
