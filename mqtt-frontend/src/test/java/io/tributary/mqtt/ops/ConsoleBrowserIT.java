/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.ListenerSettings;
import io.tributary.mqtt.testing.BrokerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web console in a real browser: Debian's headless Chromium (through chromedriver) loads {@code /console/} from
 * a running node while a real MQTT client publishes, and the page shows live figures: the connection count, the
 * client's id, a message rate above zero, the topic, and the client's messages in the live tail (over the node's
 * MQTT-over-WebSocket listener). Also the JSON behind it. Fails, naming the packages, when Chromium is missing.
 */
class ConsoleBrowserIT {

    private static final String NODE = "console-node";
    private static final String PUBLISHER = "console-publisher";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withSettings(Map.of(
            BrokerConfig.NODE_ID_CONFIG,
            NODE,
            BrokerConfig.SYS_INTERVAL_CONFIG,
            500,
            ListenerSettings.WS_ENABLED_CONFIG,
            true,
            ListenerSettings.WS_PORT_CONFIG,
            0));

    private static Mqtt5BlockingClient publisher;
    private static ScheduledExecutorService traffic;
    private static final AtomicInteger SENT = new AtomicInteger();

    /** A client that publishes a reading every 100 ms for as long as the class runs: rates above zero, a tail. */
    @BeforeAll
    static void startTraffic() {
        publisher = MqttClient.builder()
                .useMqttVersion5()
                .identifier(PUBLISHER)
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildBlocking();
        publisher.connect();
        traffic = Executors.newSingleThreadScheduledExecutor();
        traffic.scheduleAtFixedRate(
                () -> publisher
                        .publishWith()
                        .topic("console/test/temp")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(("reading-" + SENT.incrementAndGet()).getBytes(StandardCharsets.UTF_8))
                        .send(),
                0,
                100,
                TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void stopTraffic() {
        traffic.shutdownNow();
        publisher.disconnect();
    }

    @Test
    void theJsonShowsTheNodeItsClientAndItsTopic() throws Exception {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode o = api("overview");
            assertThat(o.path("node").asText()).isEqualTo(NODE);
            assertThat(o.path("ready").path("status").asText()).isEqualTo("UP");
            assertThat(o.path("local").path("clientsConnected").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(o.path("local").path("messagesReceivedPerSecond").asDouble())
                    .isPositive();
            assertThat(o.path("tailUrl").asText()).startsWith("ws://");
            assertThat(o.path("cluster").path("nodes").asInt()).isEqualTo(1);
            assertThat(o.path("nodes").get(0).path("id").asText()).isEqualTo(NODE);
            assertThat(o.path("nodes").get(0).path("health").asText()).isEqualTo("reporting");
            assertThat(api("clients?q=PUBLISH")
                            .path("rows")
                            .get(0)
                            .path("clientId")
                            .asText())
                    .as("search ignores case")
                    .isEqualTo(PUBLISHER);
            assertThat(api("clients?q=nobody").path("matched").asInt()).isZero();
            JsonNode topic = api("topics").path("rows").get(0);
            assertThat(topic.path("topic").asText()).isEqualTo("console/test/temp");
            assertThat(topic.path("perSecond").asDouble()).isPositive();
            assertThat(api("denials").path("acl").has("publish")).isTrue();
        });
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(api("tail?filter=console/%2B/temp")
                                .path("messages")
                                .findValuesAsText("payload"))
                        .anySatisfy(p -> assertThat(p).startsWith("reading-")));
        assertThat(OpsHttp.get(broker.node().opsPort(), "/console/api/tail?filter=a/%23/b")
                        .statusCode())
                .as("an invalid filter")
                .isEqualTo(400);
        assertThat(OpsHttp.get(broker.node().opsPort(), "/console/api/nothing").statusCode())
                .isEqualTo(404);
        assertThat(OpsHttp.get(broker.node().opsPort(), "/console/logback.xml").statusCode())
                .as("only the console's own files")
                .isEqualTo(404);
    }

    @Test
    void chromiumShowsLiveFiguresAndTailsATopic() throws Exception {
        String url = "http://127.0.0.1:" + broker.node().opsPort() + "/console/?tail=console/test/%23";
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            chromium.open(url);
            await().atMost(Duration.ofSeconds(45))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        assertThat(Long.parseLong(text(chromium, "conn-count")))
                                .as("connections")
                                .isGreaterThanOrEqualTo(1);
                        assertThat(Double.parseDouble(text(chromium, "rate-in")))
                                .as("messages in /s")
                                .isPositive();
                        assertThat(text(chromium, "clients")).contains(PUBLISHER);
                        assertThat(text(chromium, "topics")).contains("console/test/temp");
                        assertThat(text(chromium, "nodes")).contains(NODE).contains("reporting");
                        assertThat(text(chromium, "tail-status")).isEqualTo("tailing console/test/#");
                        assertThat(text(chromium, "tail-log")).contains("console/test/temp reading-");
                    });
            chromium.screenshot(Path.of("target", "console.png"));

            chromium.open(url + "&via=http"); // the tail a node without a WebSocket listener offers
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        assertThat(text(chromium, "tail-status")).startsWith("tailing console/test/# (over HTTP");
                        assertThat(text(chromium, "tail-log")).contains("console/test/temp reading-");
                    });
        }
    }

    private static String text(HeadlessChromium chromium, String id) {
        return chromium.eval("return document.getElementById('" + id + "').textContent");
    }

    private static JsonNode api(String call) throws Exception {
        var r = OpsHttp.get(broker.node().opsPort(), "/console/api/" + call);
        assertThat(r.statusCode()).as(call).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
