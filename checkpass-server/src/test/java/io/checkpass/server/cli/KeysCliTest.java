package io.checkpass.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.crypto.KeyId;
import io.checkpass.core.crypto.Pem;
import io.checkpass.core.pass.PassFormat;
import io.checkpass.core.pass.Presentation;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.core.trust.IssuerKey;
import io.checkpass.core.trust.ScannerTrust;
import io.checkpass.core.trust.TrustBundleException;
import io.checkpass.server.auth.Role;
import io.checkpass.server.issuance.IssuanceService;
import io.checkpass.server.support.TestCentre;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Key rotation end to end (docs/adr/0014-key-rotation.md): {@code checkpass keys rotate/revoke/switch-bundle} run as
 * an operator would, against a running centre's database and keys directory; the centre picks the change up within
 * its refresh interval, and scanners (the verify API's {@code ScannerVerification}, and a {@link ScannerTrust} fed the
 * published bundles) judge by it.
 */
class KeysCliTest {
    static final Instant LUNCH =
            OffsetDateTime.of(2021, 12, 13, 12, 0, 0, 0, ZoneOffset.ofHours(9)).toInstant();
    /** Longer than the centre's refresh interval (2 s): a change made by the CLI is in force after it. */
    static final Duration REFRESH = Duration.ofSeconds(3);

    TestCentre centre;
    String wallet;
    String scanner;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        centre = new TestCentre(LUNCH);
        wallet = centre.client("wallet-keys", Role.WALLET_PROVIDER);
        scanner = centre.client("scanner-keys", Role.SCANNER);
        centre.server
                .centre()
                .registry()
                .upsert(List.<RegistryRecord>of(
                        person("P-BEFORE", "홍길동"),
                        dose("P-BEFORE", 1),
                        dose("P-BEFORE", 2),
                        person("P-AFTER", "김철수"),
                        dose("P-AFTER", 1),
                        dose("P-AFTER", 2)));
    }

    @AfterEach
    void stop() {
        centre.close();
    }

    static PersonRecord person(String id, String name) {
        return new PersonRecord(id, name, LocalDate.of(1985, 3, 1), Optional.empty());
    }

    static ImmunizationRecord dose(String id, int dose) {
        return new ImmunizationRecord(id, LocalDate.of(2021, 8 + dose, 1), VaccineProduct.PFIZER, dose);
    }

    CliRun keys(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "keys";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.onCentre(centre.clock.instant(), centre, all);
    }

    /** A printed pass: its QR text needs no device proof. */
    byte[] printedPass(String personId) {
        var response = centre.post("/api/v1/passes", wallet, "{\"personId\":\"" + personId + "\",\"static\":true}");
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
        return Base64.getUrlDecoder()
                .decode(TestCentre.json(response).path("credential").asText());
    }

    static String text(byte[] credential) {
        return Presentation.ofStatic(credential).toText();
    }

    static KeyId kidOf(byte[] credential) {
        return KeyId.fromBytes(
                CoseSign1.decode(credential, PassFormat.MAX_PROTECTED_HEADER_BYTES, PassFormat.MAX_CREDENTIAL_BYTES)
                        .protectedKid());
    }

    /** The verdict of the centre's verify API (one scanner's {@code ScannerVerification}). */
    JsonNode atTheDoor(byte[] credential) {
        var response = centre.post(
                "/api/v1/verify", scanner, "{\"text\":\"" + text(credential) + "\",\"venueType\":\"restaurant_cafe\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestCentre.json(response);
    }

    byte[] publishedBundle() throws Exception {
        return http.send(
                        HttpRequest.newBuilder(centre.uri("/api/v1/trust-bundle"))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .body();
    }

    ECPublicKey publishedAnchor() {
        return Pem.readPublicKey(centre.get("/api/v1/trust-anchor", null).body(), TestCentre.ES256);
    }

    @Test
    void credentials_signed_before_and_after_a_rotation_both_verify_and_the_old_ones_stop_after_the_old_keys_window()
            throws Exception {
        byte[] before = printedPass("P-BEFORE");
        assertThat(atTheDoor(before).path("verdict").asText()).isEqualTo("CHECK_ID");

        Instant rotation = centre.clock.instant();
        CliRun rotated = keys("rotate", "--actor", "ops-kim").ok();
        assertThat(rotated.out()).contains("issuer key", "signs credentials issued from " + rotation);
        centre.clock.advance(REFRESH);

        byte[] after = printedPass("P-AFTER");
        assertThat(kidOf(after)).as("new credentials are signed by the new key").isNotEqualTo(kidOf(before));
        assertThat(atTheDoor(before).path("verdict").asText()).isEqualTo("CHECK_ID");
        assertThat(atTheDoor(after).path("verdict").asText()).isEqualTo("CHECK_ID");
        // A printed pass asked for again while nothing changed is the one on record: still good, not re-signed.
        assertThat(kidOf(printedPass("P-BEFORE"))).isEqualTo(kidOf(before));

        List<IssuerKey> listed = centre.bundle().bundle().issuerKeys();
        assertThat(listed).extracting(IssuerKey::id).containsExactly(kidOf(before), kidOf(after));
        assertThat(listed.getFirst().notAfter())
                .as("the old window ends at the rotation")
                .isEqualTo(rotation);
        assertThat(listed.get(1).notBefore()).isEqualTo(rotation);
        assertThat(keys("list").ok().out())
                .contains(kidOf(before) + "  issuer ", "retired", kidOf(after) + "  issuer-2");
        assertThat(centre.server
                        .centre()
                        .audit()
                        .read(LUNCH.minusSeconds(60), LUNCH.plusSeconds(60), 10, Optional.of("key.rotate")))
                .singleElement()
                .satisfies(e -> assertThat(e.actor()).isEqualTo("cli:ops-kim"));

        // Past the old key's window plus the longest a credential lives: nothing it signed can be valid, it leaves
        // the bundle, and what it signed is refused as signed by an unknown key.
        centre.clock.advance(IssuanceService.STATIC_PASS_MAX_LIFETIME.plusMinutes(1));
        assertThat(centre.bundle().bundle().issuerKeys())
                .extracting(IssuerKey::id)
                .containsExactly(kidOf(after));
        assertThat(atTheDoor(before).path("reason").asText()).isEqualTo("UNKNOWN_KEY");
        assertThat(keys("list").ok().out()).contains("expired");
    }

    @Test
    void a_scanner_pinned_to_the_old_bundle_key_follows_the_announced_rollover_and_refuses_an_older_bundle()
            throws Exception {
        ECPublicKey oldAnchor = publishedAnchor();
        ScannerTrust door = new ScannerTrust(oldAnchor, TestCentre.ES256);
        door.accept(publishedBundle());
        assertThat(atTheDoor(printedPass("P-BEFORE")).path("verdict").asText()).isEqualTo("CHECK_ID");

        CliRun announced = keys("rotate", "--bundle", "--switch-in", "PT1H", "--actor", "ops-kim")
                .ok();
        assertThat(announced.out()).contains("announced in trust bundle version");
        centre.clock.advance(REFRESH);
        byte[] announcing = publishedBundle();
        door.accept(announcing);
        KeyId next = door.state().next().orElseThrow().id();
        ScannerTrust offlineAllWeek = new ScannerTrust(oldAnchor, TestCentre.ES256);
        assertThat(keys("list").ok().out()).contains(next + "  bundle-2", "announced");

        // The switch instant passes: the first node to notice publishes a bundle signed by the new key.
        centre.clock.advance(Duration.ofHours(1));
        byte[] switched = publishedBundle();
        assertThat(door.accept(switched).signer()).isEqualTo(next);
        assertThat(KeyId.of(door.state().anchor()))
                .as("the scanner pins the new key")
                .isEqualTo(next);
        assertThat(KeyId.of(publishedAnchor()))
                .as("new scanners pin the new key")
                .isEqualTo(next);
        assertThatThrownBy(() -> offlineAllWeek.accept(switched))
                .as("a scanner that never saw the announcement needs a new anchor")
                .isInstanceOf(TrustBundleException.class);
        assertThatThrownBy(() -> door.accept(announcing))
                .as("the old key no longer signs for this scanner")
                .isInstanceOf(TrustBundleException.class);
        centre.clock.advance(REFRESH);
        centre.server.centre().bundles().publish("a later bundle");
        door.accept(publishedBundle());
        assertThatThrownBy(() -> door.accept(switched))
                .as("no rollback to an older bundle, even one signed by the pinned key")
                .isInstanceOf(TrustBundleException.class)
                .hasMessageContaining("older than the held version");
        // The centre's own scanner verification followed too.
        assertThat(atTheDoor(printedPass("P-AFTER")).path("verdict").asText()).isEqualTo("CHECK_ID");
        assertThat(keys("list").ok().out())
                .containsPattern(next + "\\s+bundle-2\\s+bundle\\s+\\S+\\s+-\\s+current")
                .containsPattern("\\s+bundle\\s+bundle\\s+\\S+\\s+-\\s+retired");
    }

    @Test
    void switch_bundle_brings_the_announced_switch_forward_and_refuses_without_an_announcement() throws Exception {
        assertThat(keys("switch-bundle", "--actor", "ops-kim").exitCode()).isEqualTo(1);
        ScannerTrust door = new ScannerTrust(publishedAnchor(), TestCentre.ES256);
        door.accept(publishedBundle());
        keys("rotate", "--bundle", "--actor", "ops-kim").ok();
        assertThat(keys("rotate", "--bundle", "--actor", "ops-kim").exitCode())
                .as("one rollover at a time")
                .isEqualTo(1);
        centre.clock.advance(REFRESH);
        door.accept(publishedBundle());
        KeyId next = door.state().next().orElseThrow().id();
        CliRun switched = keys("switch-bundle", "--actor", "ops-kim").ok();
        assertThat(switched.out()).contains("is signed by bundle key " + next);
        centre.clock.advance(REFRESH);
        assertThat(door.accept(publishedBundle()).signer()).isEqualTo(next);
        assertThat(KeyId.of(door.state().anchor())).isEqualTo(next);
        assertThat(KeyId.of(publishedAnchor())).isEqualTo(next);
    }

    @Test
    void compromise_drill_a_revoked_issuer_key_is_refused_everywhere_and_a_new_key_takes_over() throws Exception {
        byte[] before = printedPass("P-BEFORE");
        KeyId compromised = kidOf(before);

        CliRun unconfirmed = keys("revoke", compromised.hex(), "--reason", "drill", "--actor", "ops-kim");
        assertThat(unconfirmed.exitCode()).isNotZero();
        assertThat(unconfirmed.err()).contains("--yes");
        assertThat(atTheDoor(before).path("verdict").asText())
                .as("nothing revoked yet")
                .isEqualTo("CHECK_ID");

        CliRun revoked = keys("revoke", compromised.hex(), "--reason", "drill", "--actor", "ops-kim", "--yes")
                .ok();
        assertThat(revoked.out()).contains("revoked", "took over at once");
        centre.clock.advance(REFRESH);

        JsonNode refused = atTheDoor(before);
        assertThat(refused.path("verdict").asText()).isEqualTo("DENY");
        assertThat(refused.path("reason").asText()).isEqualTo("ISSUER_KEY_REVOKED");
        assertThat(centre.bundle().bundle().revokedKeys()).containsExactly(compromised);
        assertThat(centre.bundle().bundle().issuerKeys())
                .extracting(IssuerKey::id)
                .doesNotContain(compromised);

        // The same person asks again: not the revoked credential on record, a new one under the new key.
        byte[] again = printedPass("P-BEFORE");
        assertThat(kidOf(again)).isNotEqualTo(compromised);
        assertThat(atTheDoor(again).path("verdict").asText()).isEqualTo("CHECK_ID");

        assertThat(keys("list").ok().out()).contains(compromised + "  issuer ", "revoked at", "by cli:ops-kim");
        assertThat(centre.server
                        .centre()
                        .audit()
                        .read(LUNCH.minusSeconds(60), LUNCH.plusSeconds(60), 10, Optional.of("key.revoke")))
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).containsEntry("kid", compromised.hex()));
        assertThat(keys("revoke", compromised.hex(), "--reason", "x", "--actor", "ops-kim", "--yes")
                        .exitCode())
                .as("already revoked")
                .isEqualTo(1);
        KeyId bundleKey = KeyId.of(publishedAnchor());
        CliRun bundleRevoke = keys("revoke", bundleKey.hex(), "--reason", "x", "--actor", "ops-kim", "--yes");
        assertThat(bundleRevoke.exitCode()).isEqualTo(1);
        assertThat(bundleRevoke.err()).contains("bundle key");
        assertThat(keys("revoke", "nothex", "--reason", "x", "--actor", "ops-kim", "--yes")
                        .exitCode())
                .isNotZero();
    }
}
