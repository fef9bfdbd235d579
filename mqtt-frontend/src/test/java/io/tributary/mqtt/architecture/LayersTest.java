/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker's layers, bottom up; an arrow may only point down (docs/architecture.md draws them):
 *
 * <ol>
 *   <li><b>values</b>: the message and its properties, topic names and filters, wire packets and reason codes,
 *       metrics, configuration. They import nothing of the broker's above them.
 *   <li><b>domain</b>: publish, subscribe state, delivery, sessions, retained, ACLs, authentication, limits,
 *       routing, shared subscriptions, $SYS. They reach Kafka only through ports (interfaces) they own.
 *   <li><b>kafka</b>: the adapters that implement those ports with Kafka clients.
 *   <li><b>protocol</b>: the Netty pipeline and one flow per MQTT packet exchange, turning packets into domain
 *       calls and responses.
 *   <li><b>node</b>: wiring, CLI, admin API, cluster-metadata glue, embedded Kafka.
 * </ol>
 *
 * A new import that points up, or a cycle between packages, fails the build here.
 */
class LayersTest {

    private static final String ROOT = "io.tributary.mqtt";
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    private static String[] packages(String... names) {
        String[] out = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = ROOT + "." + names[i] + "..";
        }
        return out;
    }

    static final String[] VALUES = packages("message", "topic", "wire", "metrics", "config");
    static final String[] DOMAIN = packages(
            "acl",
            "auth",
            "limits",
            "routing",
            "retained",
            "delivery",
            "publish",
            "schema",
            "session",
            "shared",
            "sys");
    static final String[] KAFKA = packages("kafka", "registry");
    static final String[] PROTOCOL = packages("protocol");
    static final String[] NODE = packages("server", "admin", "placement", "embedded", "ops");

    @Test
    void layersPointDown() {
        layeredArchitecture()
                .consideringOnlyDependenciesInAnyPackage(ROOT + "..")
                .layer("values")
                .definedBy(VALUES)
                .layer("domain")
                .definedBy(DOMAIN)
                .layer("kafka")
                .definedBy(KAFKA)
                .layer("protocol")
                .definedBy(PROTOCOL)
                .layer("node")
                .definedBy(NODE)
                .whereLayer("node")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("protocol")
                .mayOnlyBeAccessedByLayers("node")
                .whereLayer("kafka")
                .mayOnlyBeAccessedByLayers("node")
                .whereLayer("domain")
                .mayOnlyBeAccessedByLayers("kafka", "protocol", "node")
                .ensureAllClassesAreContainedInArchitecture()
                .check(classes);
    }

    @Test
    void noCyclesBetweenPackages() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theDomainReachesKafkaOnlyThroughItsPorts() {
        noClasses()
                .that()
                .resideInAnyPackage(DOMAIN)
                .or()
                .resideInAnyPackage(packages("message", "topic", "wire", "metrics"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka.clients..")
                .because("the Kafka clients belong to the adapters in io.tributary.mqtt.kafka")
                .check(classes);
    }

    @Test
    void theDomainDoesNotSpeakNetty() {
        noClasses()
                .that()
                .resideInAnyPackage(packages("acl", "auth", "routing", "retained", "shared"))
                .or()
                .resideInAnyPackage(packages("message", "topic", "config"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.netty..")
                .because("packets are the protocol layer's business")
                .check(classes);
    }
}
