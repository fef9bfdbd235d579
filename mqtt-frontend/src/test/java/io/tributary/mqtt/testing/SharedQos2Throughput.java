/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.testing;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A focused harness, not a test (CI never runs it): shared-subscription QoS 2 throughput on one in-process node with
 * exactly once on. Two persistent members of {@code $share/g/bench/#} (QoS 2) on the node, one publisher sending QoS 2
 * as fast as 200 unfinished publishes allow; the rate runs from the first publish to the last arrival (Paho hands a
 * QoS 2 message on at PUBREL). Prints one line per round: {@code ROUND n msg/s}. Run it from the test class path of a
 * build, so that two builds (with and without a change) can be compared in one script, alternating JVMs.
 *
 * <p>Arguments: {@code [messages per round, default 3000] [rounds, default 3]}; one warm-up round comes first.
 */
public final class SharedQos2Throughput {

    private SharedQos2Throughput() {}

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (KafkaTestCluster kafka = KafkaTestCluster.start()) {
            Map<String, Object> settings = TestBroker.isolatedSettings();
            settings.put(BrokerConfig.SESSION_CHECKPOINT_CONFIG, "600000");
            try (BrokerNode node = TestBroker.start(kafka, settings)) {
                String uri = "tcp://127.0.0.1:" + node.mqttPort();
                AtomicLong arrived = new AtomicLong();
                List<MqttAsyncClient> clients = new ArrayList<>();
                for (int m = 0; m < 2; m++) {
                    MqttAsyncClient member = new MqttAsyncClient(uri, "bench-member-" + m, new MemoryPersistence());
                    member.setCallback(new Counter(arrived));
                    member.connect(options(false)).waitForCompletion(10_000);
                    member.subscribe("$share/g/bench/#", 2).waitForCompletion(15_000);
                    clients.add(member);
                }
                MqttAsyncClient pub = new MqttAsyncClient(uri, "bench-pub", new MemoryPersistence());
                pub.connect(options(true)).waitForCompletion(10_000);
                clients.add(pub);
                for (int round = 0; round <= rounds; round++) {
                    long rate = round(pub, arrived, messages);
                    System.out.println((round == 0 ? "WARMUP " : "ROUND " + round + " ") + rate + " msg/s");
                }
                for (MqttAsyncClient c : clients) {
                    c.disconnect().waitForCompletion(5_000);
                    c.close();
                }
            }
        }
        System.exit(0);
    }

    private static long round(MqttAsyncClient pub, AtomicLong arrived, int messages) throws Exception {
        long before = arrived.get();
        ArrayDeque<IMqttDeliveryToken> unfinished = new ArrayDeque<>();
        byte[] payload = new byte[64];
        long t0 = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            if (unfinished.size() >= 200) {
                unfinished.poll().waitForCompletion(30_000);
            }
            unfinished.add(pub.publish("bench/" + (i % 8), payload, 2, false));
        }
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (arrived.get() - before < messages && System.nanoTime() < deadline) {
            Thread.sleep(5); // a harness polling a counter; tests wait with Awaitility
        }
        long elapsed = System.nanoTime() - t0;
        if (arrived.get() - before < messages) {
            throw new IllegalStateException("only " + (arrived.get() - before) + " of " + messages + " arrived");
        }
        return messages * 1_000_000_000L / elapsed;
    }

    private static MqttConnectOptions options(boolean clean) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(clean); // members persistent: their QoS 2 goes through the exactly-once steps
        o.setMaxInflight(1000);
        o.setKeepAliveInterval(60);
        return o;
    }

    private record Counter(AtomicLong arrived) implements MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            arrived.incrementAndGet();
        }

        @Override
        public void connectionLost(Throwable cause) {}

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {}
    }
}
