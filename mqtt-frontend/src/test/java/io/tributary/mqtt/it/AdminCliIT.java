/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.tributary.mqtt.admin.AdminCommand;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.TestBroker;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code bin/tributary admin} as an operator uses it: every command prints an aligned table by default and, with
 * {@code --json}, what the admin HTTP API returns; the commands that need a node's admin HTTP API say once that it is
 * off, and how to turn it on. Nodes cli-a and cli-b serve the API, cli-c does not; node "lonely" is a cluster of its
 * own without it.
 */
class AdminCliIT {

    @RegisterExtension
    static final BrokerExtension broker =
            BrokerExtension.withNodes(List.of("cli-a", "cli-b"), Map.of(BrokerConfig.ADMIN_HTTP_PORT_CONFIG, "0"));

    static final ObjectMapper JSON = new ObjectMapper();
    static Map<String, Object> lonely;

    record Result(int rc, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }

        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    static void moreNodes() {
        broker.startNode(TestBroker.with(
                TestBroker.with(broker.settings(), BrokerConfig.NODE_ID_CONFIG, "cli-c"),
                BrokerConfig.ADMIN_HTTP_PORT_CONFIG,
                "-1"));
        lonely = TestBroker.with(TestBroker.isolatedSettings(), BrokerConfig.NODE_ID_CONFIG, "lonely");
        broker.startNode(lonely);
    }

    static Result cli(String... args) {
        return cliOn(broker.settings(), args);
    }

    static Result cliOn(Map<String, Object> cluster, String... args) {
        List<String> full = new ArrayList<>(List.of(
                "--kafka-bootstrap",
                broker.bootstrapServers(),
                "--placement-topic",
                cluster.get(BrokerConfig.PLACEMENT_TOPIC_CONFIG).toString(),
                "--sessions-topic",
                cluster.get(BrokerConfig.SESSIONS_TOPIC_CONFIG).toString(),
                "--token-file",
                TestBroker.ADMIN_TOKEN_FILE.toString()));
        full.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = AdminCommand.run(full.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(rc, out.toString(), err.toString());
    }

    static Mqtt5BlockingClient connect(BrokerNode node, String clientId, boolean persistent) {
        Mqtt5BlockingClient c = MqttClient.builder()
                .useMqttVersion5()
                .identifier(clientId)
                .serverHost("127.0.0.1")
                .serverPort(node.mqttPort())
                .buildBlocking();
        c.connectWith()
                .cleanStart(true)
                .sessionExpiryInterval(persistent ? 600 : 0)
                .send();
        return c;
    }

    @Test
    void nodesAreATableWithLivenessAndTheApisJsonWithJson() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Result r = cli("nodes");
            assertThat(r.rc()).as(r.err()).isZero();
            assertThat(r.lines().get(0)).matches("NAME +LIVE +LISTENERS +STARTED +RELEASE +VERSION");
            assertThat(r.lines())
                    .anyMatch(l -> l.matches("cli-a +yes +mqtt://127\\.0\\.0\\.1:\\d+,http://127\\.0\\.0\\.1:\\d+ .*"))
                    .anyMatch(l -> l.matches("cli-c +yes +mqtt://127\\.0\\.0\\.1:\\d+ .*"))
                    .noneMatch(l -> l.startsWith("lonely"));
        });
        Result json = cli("nodes", "--json");
        assertThat(json.json().isArray()).isTrue();
        assertThat(json.json()).anySatisfy(n -> {
            assertThat(n.path("name").asText()).isEqualTo("cli-b");
            assertThat(n.path("live").asBoolean()).isTrue();
            assertThat(n.path("listeners").toString()).contains("http://127.0.0.1:");
        });
    }

    @Test
    void mappingRulesArePutListedAndDeletedAsTablesOrJson() throws Exception {
        Result put = cli("mapping", "put", "meters", "--filter", "meters/+/kwh", "--kafka-topic", "cli.meters");
        assertThat(put.rc()).as(put.err()).isZero();
        assertThat(put.lines())
                .containsExactly(
                        "NAME    FILTER        KAFKA-TOPIC  KEY  MQTT-TOPIC  VERSION",
                        "meters  meters/+/kwh  cli.meters   -    -           1");

        Result again = cli(
                "--json",
                "mapping",
                "put",
                "meters",
                "--filter",
                "meters/#",
                "--kafka-topic",
                "cli.meters",
                "--key",
                "{2}");
        assertThat(again.json().path("version").asLong()).isEqualTo(2);
        assertThat(again.json().path("key").asText()).isEqualTo("{2}");

        assertThat(cli("mapping", "list").lines()).contains("meters  meters/#  cli.meters   {2}  -           2");
        assertThat(cli("mapping", "list", "--json").json())
                .singleElement()
                .satisfies(m -> assertThat(m.path("filter").asText()).isEqualTo("meters/#"));

        Result deleted = cli("mapping", "delete", "meters");
        assertThat(deleted.out()).isEqualTo("deleted mapping/meters\n");
        assertThat(cli("mapping", "list").lines())
                .containsExactly("NAME  FILTER  KAFKA-TOPIC  KEY  MQTT-TOPIC  VERSION", "(none)");
        Result none = cli("mapping", "delete", "meters");
        assertThat(none.rc()).isEqualTo(1);
        assertThat(none.err()).isEqualTo("tributary admin: no mapping named meters\n");
    }

    @Test
    void usersShowNameMechanismAndIterationsNeverTheirKeys() throws Exception {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("tulip\n".getBytes(StandardCharsets.UTF_8)));
            Result put = cli("user", "put", "dora");
            assertThat(put.rc()).as(put.err()).isZero();
            assertThat(put.lines())
                    .containsExactly("NAME  MECHANISM      ITERATIONS  VERSION", "dora  SCRAM-SHA-256  8192        1");
        } finally {
            System.setIn(stdin);
        }
        Result json = cli("user", "list", "--json");
        assertThat(json.json())
                .singleElement()
                .satisfies(u -> assertThat(u.path("name").asText()).isEqualTo("dora"));
        assertThat(json.out())
                .doesNotContain("storedKey")
                .doesNotContain("serverKey")
                .doesNotContain("tulip");
        assertThat(cli("--json", "user", "delete", "dora").json().path("name").asText())
                .isEqualTo("dora");
    }

    @Test
    void aclRulesArePutListedAndDeleted() throws Exception {
        Result put = cli(
                "acl",
                "put",
                "no-bob",
                "--principal",
                "bob",
                "--action",
                "all",
                "--filter",
                "bob/#",
                "--permission",
                "deny");
        assertThat(put.lines())
                .containsExactly(
                        "NAME    PRINCIPAL  ACTION  FILTER  PERMISSION  VERSION",
                        "no-bob  bob        all     bob/#   deny        1");
        JsonNode acl = cli("acl", "list", "--json").json().get(0);
        assertThat(acl.path("permission").asText()).isEqualTo("DENY");
        assertThat(cli("acl", "delete", "no-bob").out()).isEqualTo("deleted acl/no-bob\n");
    }

    @Test
    void clusterSettingsListTheirScopeAndTheSecurityOnesCannotBeDeleted() throws Exception {
        assertThat(cli("config", "put", "mqtt.max.subscriptions.per.client", "50")
                        .rc())
                .isZero();
        try {
            Result list = cli("config", "list");
            assertThat(list.lines().get(0)).matches("NAME +VALUE +SCOPE +VERSION");
            // The first node stored the cluster-wide settings; the dynamic one was just put.
            assertThat(list.lines())
                    .anyMatch(l -> l.matches("auth\\.mode +none +cluster-wide +1"))
                    .anyMatch(l -> l.matches("acl\\.no\\.match +allow +cluster-wide +1"))
                    .anyMatch(l -> l.matches("mqtt\\.max\\.subscriptions\\.per\\.client +50 +dynamic +1"));
            assertThat(cli("config", "list", "--json").json())
                    .anySatisfy(c -> assertThat(c.path("name").asText()).isEqualTo("auth.mode"));

            Result delete = cli("config", "delete", "auth.mode");
            assertThat(delete.rc()).isEqualTo(1);
            assertThat(delete.err())
                    .contains("auth.mode is a cluster-wide security setting")
                    .contains("config put auth.mode VALUE");
        } finally {
            cli("config", "delete", "mqtt.max.subscriptions.per.client");
        }
    }

    @Test
    void sessionsOfTheClusterAreATableOrTheApisJson() throws Exception {
        Mqtt5BlockingClient c = connect(broker.node(0), "cli-session", true);
        c.subscribeWith().topicFilter("cli/#").send();
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Result r = cli("sessions");
                assertThat(r.rc()).as(r.err()).isZero();
                assertThat(r.lines().get(0)).matches("CLIENT-ID +OWNER +CONNECTED +PROTOCOL +EXPIRES +SUBSCRIPTIONS");
                assertThat(r.lines()).anyMatch(l -> l.matches("cli-session +cli-a +yes +5 +never +cli/#"));
                assertThat(r.err()).isEmpty(); // one node answers for all; cli-c need not be asked
            });
            assertThat(cli("sessions", "--json").json())
                    .anySatisfy(s -> assertThat(s.path("clientId").asText()).isEqualTo("cli-session"));
        } finally {
            c.disconnect();
        }
    }

    @Test
    void clientsOfEveryNodeAreOneTableWithTheirNode() throws Exception {
        Mqtt5BlockingClient c = connect(broker.node(1), "cli-client", false);
        try {
            Result r = cli("clients");
            assertThat(r.rc()).as(r.err()).isZero();
            assertThat(r.lines().get(0))
                    .matches("NODE +CLIENT-ID +PROTOCOL +REMOTE-ADDRESS +PERSISTENT +SUBSCRIPTIONS");
            assertThat(r.lines()).anyMatch(l -> l.matches("cli-b +cli-client +5 +/127\\.0\\.0\\.1:\\d+ +no +0"));
            assertThat(r.err()).isEqualTo("tributary admin: not asked, no admin HTTP API: cli-c\n");

            assertThat(cli("clients", "--json").json()).anySatisfy(n -> {
                assertThat(n.path("node").asText()).isEqualTo("cli-b");
                assertThat(n.path("clientId").asText()).isEqualTo("cli-client");
            });
        } finally {
            c.disconnect();
        }
    }

    @Test
    void kickSaysWhichNodeTheClientWasOnOrThatNoneHadIt() throws Exception {
        Mqtt5BlockingClient c = connect(broker.node(1), "cli-kicked", false);
        Result kicked = cli("kick", "cli-kicked");
        assertThat(kicked.rc()).as(kicked.err()).isZero();
        assertThat(kicked.out()).isEqualTo("disconnected cli-kicked from node cli-b\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> !c.getState().isConnected());

        Mqtt5BlockingClient again = connect(broker.node(0), "cli-kicked-json", false);
        JsonNode json = cli("--json", "kick", "cli-kicked-json").json();
        assertThat(json.path("disconnected").asText()).isEqualTo("cli-kicked-json");
        assertThat(json.path("node").asText()).isEqualTo("cli-a");
        await().atMost(Duration.ofSeconds(10)).until(() -> !again.getState().isConnected());

        Result nobody = cli("kick", "nobody-here");
        assertThat(nobody.rc()).isEqualTo(1);
        assertThat(nobody.out()).isEmpty();
        assertThat(nobody.err().lines())
                .containsExactly(
                        "tributary admin: not asked, no admin HTTP API: cli-c",
                        "tributary admin: client nobody-here is not connected to any node that answered (cli-a, cli-b)");
    }

    @Test
    void withoutTheAdminHttpApiTheNodeCommandsSayOnceHowToTurnItOn() {
        for (String[] command :
                List.of(new String[] {"sessions"}, new String[] {"clients"}, new String[] {"kick", "meter-1"})) {
            Result r = cliOn(lonely, command);
            assertThat(r.rc()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().lines())
                    .singleElement()
                    .asString()
                    .startsWith(
                            "tributary admin: '" + command[0] + "' asks the nodes' admin HTTP API, and no registered "
                                    + "node serves it: it is off by default. Turn it on with admin.http.port=PORT")
                    .contains("admin.http.bind, default 127.0.0.1");
        }
    }
}
