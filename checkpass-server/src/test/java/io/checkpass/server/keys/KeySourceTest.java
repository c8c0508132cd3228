package io.checkpass.server.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.crypto.KeyStores;
import io.checkpass.core.crypto.Pem;
import io.checkpass.core.crypto.SigningKey;
import io.checkpass.core.pass.HolderDevice;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.verify.PassVerifier;
import io.checkpass.core.verify.Reason;
import io.checkpass.server.auth.Role;
import io.checkpass.server.support.SoftHsm;
import io.checkpass.server.support.TestCentre;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The centre signs with the keys this run asks for ({@link TestCentre#KEYS_PROPERTY}): in the default run a PKCS#12
 * file, in the issuance-on-softhsm run (checkpass-server/pom.xml) the SoftHSM2 token, with no silent fallback, and
 * what it signs there verifies in software under the trust anchor it serves.
 */
class KeySourceTest {
    private static final Instant LUNCH =
            OffsetDateTime.of(2021, 12, 13, 12, 0, 0, 0, ZoneOffset.ofHours(9)).toInstant();

    @Test
    void the_centre_signs_passes_and_bundles_with_the_keys_this_run_asks_for() throws Exception {
        try (TestCentre centre = new TestCentre(LUNCH)) {
            var lifecycle = centre.server.centre().keys();
            boolean hsm = TestCentre.keyStore() == KeyVaults.Kind.PKCS11;
            assertThat(lifecycle.vaultKind()).isEqualTo(TestCentre.keyStore());
            SigningKey issuer = lifecycle.issuerAt(LUNCH).key();
            SigningKey bundleKey = lifecycle.bundleSigner();
            assertThat(issuer.inToken()).isEqualTo(hsm);
            assertThat(bundleKey.inToken()).isEqualTo(hsm);
            if (hsm) {
                assertThat(lifecycle.describeVault()).startsWith("PKCS#11").contains(SoftHsm.LIBRARY.toString());
                try (Pkcs11Vault token = SoftHsm.token().open(TestCentre.ES256)) {
                    var onToken = token.keys();
                    assertThat(onToken.get(KeyStores.ISSUER).id()).isEqualTo(issuer.id());
                    assertThat(onToken.get(KeyStores.BUNDLE).id()).isEqualTo(bundleKey.id());
                }
            } else {
                assertThat(lifecycle.describeVault()).startsWith("PKCS#12");
            }

            ECPublicKey anchor =
                    Pem.readPublicKey(centre.get("/api/v1/trust-anchor", null).body(), TestCentre.ES256);
            assertThat(EcPoints.uncompressed(anchor)).isEqualTo(EcPoints.uncompressed(bundleKey.publicKey()));

            String wallet = centre.client("wallet-keys", Role.WALLET_PROVIDER);
            centre.server
                    .centre()
                    .registry()
                    .upsert(List.<RegistryRecord>of(
                            new PersonRecord("K1", "정하나", LocalDate.of(1984, 4, 4), Optional.empty()),
                            new ImmunizationRecord("K1", LocalDate.of(2021, 8, 1), VaccineProduct.PFIZER, 1),
                            new ImmunizationRecord("K1", LocalDate.of(2021, 9, 1), VaccineProduct.PFIZER, 2)));
            KeyPair device = TestCentre.ES256.generateKeyPair();
            String deviceKey = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(EcPoints.uncompressed((ECPublicKey) device.getPublic()));
            var issued = centre.post(
                    "/api/v1/passes", wallet, "{\"personId\":\"K1\",\"devicePublicKey\":\"" + deviceKey + "\"}");
            assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
            byte[] cose = Base64.getUrlDecoder()
                    .decode(TestCentre.json(issued).path("credential").asText());
            String text = new HolderDevice((ECPrivateKey) device.getPrivate(), TestCentre.ES256)
                    .present(cose, LUNCH.plusSeconds(2))
                    .toText();
            var bundle = centre.bundle().bundle();
            var result = new PassVerifier(bundle, TestCentre.ES256, Clock.fixed(LUNCH.plusSeconds(2), ZoneOffset.UTC))
                    .verify(text, new VenueType("restaurant_cafe"));
            assertThat(result.reason()).isEqualTo(Reason.VALID);
        }
    }
}
