package io.checkpass.server.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.crypto.KeyId;
import io.checkpass.server.support.MutableClock;
import io.checkpass.server.support.TestCentre;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two centre nodes on one database and keys directory: a rotation on one is in force on the other within 2 s. */
class KeyLifecycleTest {
    static final Instant LUNCH =
            OffsetDateTime.of(2021, 12, 13, 12, 0, 0, 0, ZoneOffset.ofHours(9)).toInstant();

    static TestCentre centre;

    @BeforeAll
    static void start() {
        centre = new TestCentre(LUNCH);
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    @Test
    void a_rotation_made_on_one_node_signs_on_another_after_its_refresh_interval() throws Exception {
        MutableClock otherClock = new MutableClock(LUNCH);
        try (Pkcs12Vault otherVault =
                Pkcs12Vault.open(centre.dataDir.resolve("keys"), TestCentre.ES256, Optional.empty())) {
            KeyLifecycle other = KeyLifecycle.open(
                    centre.server.centre().database().dataSource(),
                    otherVault,
                    centre.server.centre().audit(),
                    TestCentre.ES256,
                    otherClock,
                    Duration.ofHours(48),
                    Duration.ofSeconds(2));
            KeyId first = other.issuerAt(LUNCH).key().id();
            assertThat(other.ring().of(SigningKeyRecord.KeyRole.ISSUER)).hasSize(1);

            KeyLifecycle.Changed rotated = centre.server.centre().keys().rotateIssuer("test", LUNCH.plusSeconds(1));
            KeyId second = rotated.successor().orElseThrow().kid();
            assertThat(centre.server
                            .centre()
                            .keys()
                            .issuerAt(LUNCH.plusSeconds(1))
                            .key()
                            .id())
                    .isEqualTo(second);
            assertThat(other.issuerAt(LUNCH.plusSeconds(1)).key().id())
                    .as("within its refresh interval the other node still knows the old lifecycle")
                    .isEqualTo(first);

            otherClock.advance(Duration.ofSeconds(3));
            assertThat(other.issuerAt(LUNCH.plusSeconds(3)).key().id())
                    .as("its vault re-read the keystore the first node wrote to")
                    .isEqualTo(second);
            assertThat(other.issuerAt(LUNCH).key().id())
                    .as("before the rotation, the old key")
                    .isEqualTo(first);
        }
    }
}
