package io.checkpass.server.notify.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkpass.core.crypto.Pem;
import io.checkpass.server.cli.CheckpassCli;
import io.checkpass.server.config.CheckpassConfig;
import io.checkpass.server.config.ConfigException;
import io.checkpass.server.config.ConfigLoader;
import io.checkpass.server.support.TestCentre;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VAPID key and the public base URL as an operator configures them: {@code checkpass push keys} makes the key
 * (0600, never overwritten), start-up checks it, and every wrong value is refused naming the key and the fix.
 */
class VapidConfigTest {
    @TempDir
    Path data;

    private CheckpassConfig load(Map<String, String> overrides) {
        var all = new HashMap<>(overrides);
        all.put("data.dir", data.toString());
        return ConfigLoader.load(null, Map.of(), all);
    }

    private String cli(int expectedExit, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = CheckpassCli.run(
                args,
                Clock.systemUTC(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(expectedExit);
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void push_keys_writes_an_owner_only_key_the_centre_loads_and_never_overwrites_it() throws Exception {
        Path key = data.resolve("vapid.pem");
        String printed = cli(0, "push", "keys", "--out", key.toString());

        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        VapidKeys loaded = VapidKeys.load(key, "mailto:push-ops@example.go.kr", TestCentre.ES256);
        assertThat(printed).contains("applicationServerKey: " + loaded.applicationServerKey());
        assertThat(loaded.applicationServerKey()).matches("B[A-Za-z0-9_-]{86}");

        String before = Files.readString(key);
        assertThat(cli(1, "push", "keys", "--out", key.toString())).contains("never overwritten");
        assertThat(Files.readString(key)).isEqualTo(before);

        CheckpassConfig config =
                load(Map.of("push.vapid-key", key.toString(), "push.subject", "mailto:ops@example.kr"));
        assertThat(config.push().enabled()).isTrue();
        assertThat(config.push().endpointHosts()).contains("fcm.googleapis.com", "*.notify.windows.com");
    }

    @Test
    void a_missing_key_file_a_bad_subject_and_bad_hosts_are_refused_with_their_keys() {
        assertThatThrownBy(() -> load(Map.of(
                        "push.vapid-key", data.resolve("nowhere.pem").toString(),
                        "push.subject", "ops@example.kr",
                        "push.endpoint-hosts", "fcm.googleapis.com, http://evil/")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anySatisfy(p -> assertThat(p).contains("push.vapid-key", "checkpass push keys"))
                        .anySatisfy(p -> assertThat(p).contains("push.subject", "mailto:"))
                        .anySatisfy(p -> assertThat(p).contains("push.endpoint-hosts", "http://evil/")));
        assertThat(load(Map.of()).push().enabled()).as("no key, no push").isFalse();
    }

    @Test
    void a_key_file_that_is_not_a_p256_key_stops_the_start() throws Exception {
        Path text = data.resolve("not-a-key.pem");
        Files.writeString(text, "hello");
        assertThatThrownBy(() -> VapidKeys.load(text, "mailto:a@b.kr", TestCentre.ES256))
                .hasMessageContaining("push.vapid-key")
                .hasMessageContaining("no PKCS#8 EC private key");
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        Path other = data.resolve("p384.pem");
        Files.writeString(
                other, Pem.privateKey((ECPrivateKey) p384.generateKeyPair().getPrivate()));
        assertThatThrownBy(() -> VapidKeys.load(other, "mailto:a@b.kr", TestCentre.ES256))
                .hasMessageContaining("push.vapid-key");
        Path good = data.resolve("good.pem");
        VapidKeys.generate(good, TestCentre.ES256);
        assertThatThrownBy(() -> VapidKeys.load(good, "ops", TestCentre.ES256)).hasMessageContaining("push.subject");
        assertThat(VapidKeys.load(good, "https://pass.example.go.kr/contact", TestCentre.ES256)
                        .authorization(URI.create("https://fcm.googleapis.com/fcm/send/x"), Instant.EPOCH))
                .startsWith("vapid t=");
    }

    @Test
    void the_public_base_url_is_an_https_origin_or_loopback_http() {
        assertThat(load(Map.of("server.public-base-url", "https://pass.example.go.kr/"))
                        .publicBaseUrl())
                .hasValue(URI.create("https://pass.example.go.kr"));
        assertThat(load(Map.of("server.public-base-url", "http://127.0.0.1:8080"))
                        .publicBaseUrl())
                .hasValue(URI.create("http://127.0.0.1:8080"));
        assertThat(load(Map.of()).publicBaseUrl()).isEmpty();
        for (String bad : List.of(
                "http://pass.example.go.kr",
                "pass.example.go.kr",
                "https://pass.example.go.kr/?a=1",
                "https://u@h.kr")) {
            assertThatThrownBy(() -> load(Map.of("server.public-base-url", bad)))
                    .as(bad)
                    .hasMessageContaining("server.public-base-url");
        }
    }
}
