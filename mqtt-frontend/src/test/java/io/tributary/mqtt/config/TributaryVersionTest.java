/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The release a node reports (-V, its node record) is the Maven project version, filtered in by the build. */
class TributaryVersionTest {

    @Test
    void isTheVersionOfThePom() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher parent = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL)
                .matcher(pom);
        assertThat(parent.find()).isTrue();
        assertThat(TributaryVersion.current()).isEqualTo(parent.group(1)).doesNotContain("${");
    }
}
