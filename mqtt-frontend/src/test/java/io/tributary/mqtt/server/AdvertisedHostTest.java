/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AdvertisedHostTest {

    @Test
    void aConfiguredHostWinsOverEveryBindAddress() {
        AdvertisedHost host = new AdvertisedHost("tributary-0.tributary.mqtt.svc");
        assertThat(host.of("0.0.0.0")).isEqualTo("tributary-0.tributary.mqtt.svc");
        assertThat(host.of("127.0.0.1")).isEqualTo("tributary-0.tributary.mqtt.svc");
    }

    @Test
    void aSpecificBindAddressIsRecordedAsItIs() {
        assertThat(new AdvertisedHost("").of("127.0.0.7")).isEqualTo("127.0.0.7");
    }

    @Test
    void aWildcardBindIsReplacedByThisMachinesAddressNeverRecordedAsTheWildcard() throws Exception {
        String expected = InetAddress.getLocalHost().getHostAddress();
        assertThat(new AdvertisedHost("").of("0.0.0.0")).isEqualTo(expected).isNotEqualTo("0.0.0.0");
        assertThat(new AdvertisedHost(" ").of("::")).isEqualTo(expected);
    }
}
