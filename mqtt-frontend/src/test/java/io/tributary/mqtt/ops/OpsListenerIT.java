/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.config.OpsSettings;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.TestBroker;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ops listener of a running node: the Prometheus page, the probes, a route added to it, and none. */
class OpsListenerIT {

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    @Test
    void servesMetricsAndProbesOfARunningNode() {
        BrokerNode node = broker.node();
        assertThat(node.opsPort()).isPositive();

        HttpResponse<String> metrics = OpsHttp.get(node.opsPort(), "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(metrics.body())
                .contains("# TYPE tributary_connections gauge")
                .contains("jvm_memory_used_bytes")
                .contains("kafka_producer_");

        OpsHttp.Probe live = OpsHttp.probe(node.opsPort(), "/health/live");
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.body().get("status").asText()).isEqualTo("UP");

        OpsHttp.Probe ready = OpsHttp.ready(node);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body().get("status").asText()).isEqualTo("UP");
        assertThat(ready.body().get("checks").fieldNames())
                .toIterable()
                .containsExactly("shutdown", "kafka", "placement", "listeners");
    }

    @Test
    void moreRoutesCanBeMounted() {
        OpsHttpServer ops = broker.node().ops();
        assertThat(ops).isNotNull();
        ops.route("/console/hello", ex -> OpsHttpServer.reply(ex, 200, "text/plain", "hello"));
        HttpResponse<String> r = OpsHttp.get(broker.node().opsPort(), "/console/hello");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello");
        assertThat(OpsHttp.get(broker.node().opsPort(), "/nothing-here").statusCode())
                .isEqualTo(404);
    }

    @Test
    void noneTurnsTheListenerOff() {
        Map<String, Object> settings =
                TestBroker.with(TestBroker.isolatedSettings(), OpsSettings.OPS_HTTP_LISTENER_CONFIG, OpsSettings.OFF);
        BrokerNode off = broker.startNode(settings);
        try {
            assertThat(off.opsPort()).isEqualTo(-1);
            assertThat(off.ops()).isNull();
            assertThat(off.ready()).isTrue();
        } finally {
            off.close();
        }
    }
}
