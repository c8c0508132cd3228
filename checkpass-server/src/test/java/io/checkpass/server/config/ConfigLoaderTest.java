package io.checkpass.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path data;

    private CheckpassConfig load(Map<String, String> overrides) {
        var all = new java.util.HashMap<>(overrides);
        all.put("data.dir", data.toString());
        return ConfigLoader.load(null, Map.of(), all);
    }

    @Test
    void by_default_sip_listens_on_loopback_and_trusts_only_this_machine() throws Exception {
        CheckpassConfig config = load(Map.of());
        assertThat(config.sip().host()).isEqualTo("127.0.0.1");
        assertThat(config.sip().trustedPeers().contains(InetAddress.getByName("127.0.0.1")))
                .isTrue();
        assertThat(config.sip().trustedPeers().contains(InetAddress.getByName("203.0.113.5")))
                .isFalse();
        assertThat(config.server().readTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.limits().perClient()).isEqualTo(64);
        assertThat(config.demoWallet()).isFalse();
    }

    @Test
    void sip_beyond_this_machine_needs_the_trunks_addresses_and_the_error_names_the_key_and_the_fix() throws Exception {
        assertThatThrownBy(() -> load(Map.of("sip.host", "0.0.0.0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sip.trusted-peers")
                .hasMessageContaining("203.0.113.0/24");
        CheckpassConfig trunk = load(Map.of("sip.host", "0.0.0.0", "sip.trusted-peers", "203.0.113.0/24"));
        assertThat(trunk.sip().trustedPeers().contains(InetAddress.getByName("203.0.113.5")))
                .isTrue();
        assertThat(load(Map.of("sip.host", "0.0.0.0", "sip.enabled", "false"))
                        .sip()
                        .enabled())
                .isFalse();
        assertThatThrownBy(() -> load(Map.of("sip.trusted-peers", "trunk.example.com")))
                .hasMessageContaining("sip.trusted-peers")
                .hasMessageContaining("trunk.example.com");
    }

    @Test
    void a_read_timeout_out_of_bounds_is_refused_with_its_key() {
        assertThatThrownBy(() -> load(Map.of("server.read-timeout", "PT0.1S")))
                .hasMessageContaining("server.read-timeout");
        assertThatThrownBy(() -> load(Map.of("server.read-timeout", "soon")))
                .hasMessageContaining("server.read-timeout");
        assertThatThrownBy(() -> load(Map.of("limits.per-client", "0"))).hasMessageContaining("limits.per-client");
    }
}
