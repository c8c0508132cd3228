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

    @Test
    void the_two_database_roles_come_with_their_passwords_from_the_environment_only() throws Exception {
        CheckpassConfig byDefault = load(Map.of());
        assertThat(byDefault.database().identity().user()).isEqualTo("checkpass_identity");
        assertThat(byDefault.database().visits().user()).isEqualTo("checkpass_visits");
        assertThat(byDefault.database().visits().passwordEnv()).isEqualTo("CHECKPASS_DATABASE_VISITS_PASSWORD");

        CheckpassConfig fromEnv = ConfigLoader.load(
                null,
                Map.of("CHECKPASS_DATABASE_IDENTITY_PASSWORD", "s3cret", "CHECKPASS_DATA_DIR", data.toString()),
                Map.of());
        assertThat(fromEnv.database().identity().password()).contains("s3cret");
        assertThat(fromEnv.database().visits().password()).isEmpty();

        java.nio.file.Files.writeString(data.resolve("checkpass.yaml"), "database:\n  visits-password: in-a-file\n");
        assertThatThrownBy(() -> load(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("database.visits-password must not be written in a file")
                .hasMessageContaining("CHECKPASS_DATABASE_VISITS_PASSWORD");
    }

    @Test
    void the_roles_must_be_plain_names_apart_from_each_other_and_from_the_owner() {
        assertThatThrownBy(() -> load(Map.of("database.identity-user", "Robert'); drop")))
                .hasMessageContaining("database.identity-user")
                .hasMessageContaining("role name");
        assertThatThrownBy(() -> load(Map.of("database.visits-user", "checkpass_identity")))
                .hasMessageContaining("database.visits-user must differ from database.identity-user");
        assertThatThrownBy(() -> load(Map.of("database.user", "owner", "database.visits-user", "owner")))
                .hasMessageContaining("database.visits-user")
                .hasMessageContaining("schema owner");
        assertThatThrownBy(() -> load(Map.of("database.identity-user", "postgres")))
                .hasMessageContaining("database.identity-user");
    }
}
