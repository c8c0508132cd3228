package io.checkpass.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.server.support.SoftHsm;
import io.checkpass.server.support.TestCentre;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keys new --pkcs11}: the HSM comes from checkpass.yaml, and keys on the token are never overwritten. */
class KeysNewPkcs11Test {
    private static final Instant NOW = Instant.parse("2021-12-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void keys_new_in_the_hsm_reads_the_token_from_the_configuration_and_never_overwrites_the_centres_keys()
            throws Exception {
        SoftHsm hsm = SoftHsm.token().withCentreKeys(TestCentre.ES256);
        Path yaml = dir.resolve("checkpass.yaml");
        StringBuilder config = new StringBuilder();
        hsm.centreConfig()
                .forEach((key, value) ->
                        config.append(key).append(": \"").append(value).append("\"\n"));
        Files.writeString(yaml, config);

        CliRun again = CliRun.of(NOW, "keys", "new", "--pkcs11", "--config", yaml.toString());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("already holds 'issuer'").contains("never overwritten");

        Files.writeString(yaml, "keys.store: pkcs11\n");
        CliRun noLibrary = CliRun.of(NOW, "keys", "new", "--pkcs11", "--config", yaml.toString());
        assertThat(noLibrary.exitCode()).isEqualTo(1);
        assertThat(noLibrary.err()).contains("keys.pkcs11.library");

        CliRun noOut = CliRun.of(NOW, "keys", "new");
        assertThat(noOut.exitCode()).isEqualTo(1);
        assertThat(noOut.err()).contains("--out DIR is required").contains("--pkcs11");
    }
}
