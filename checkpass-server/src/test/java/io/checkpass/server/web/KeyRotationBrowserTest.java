package io.checkpass.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.crypto.KeyId;
import io.checkpass.core.crypto.Pem;
import io.checkpass.core.pass.PassFormat;
import io.checkpass.core.pass.Presentation;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.server.auth.Role;
import io.checkpass.server.support.MutableClock;
import io.checkpass.server.support.TestCentre;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The scanner page in Chromium across key changes (docs/adr/0014-key-rotation.md): after an issuer-key rotation the
 * page's verifier admits what either key signed; once the old key is revoked it refuses what that key signed
 * (ISSUER_KEY_REVOKED) and admits what the new one signs; after a bundle-key
 * rollover the signed-in scanner page, pinned to the old anchor, follows the announced key without a new sign-in, and
 * refuses an older bundle.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeyRotationBrowserTest {
    static final Instant LUNCH =
            OffsetDateTime.of(2022, 1, 20, 11, 55, 0, 0, ZoneOffset.ofHours(9)).toInstant();
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String SCANNER = "scanner-rotation";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;

    static TestCentre centre;
    static String wallet;
    static ChromeDriver scanner;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        assertThat(Chromium.installed())
                .as("the browser tests need Debian's chromium and chromium-driver")
                .isTrue();
        centre = new TestCentre(MutableClock.ticking(LUNCH), Map.of("pages.test-hooks", "true"));
        wallet = centre.client("wallet-rotation", Role.WALLET_PROVIDER);
        centre.client(SCANNER, Role.SCANNER);
        centre.server
                .centre()
                .registry()
                .upsert(List.<RegistryRecord>of(
                        new PersonRecord("P-ROT", "홍길동", LocalDate.of(1985, 3, 1), Optional.empty()),
                        new ImmunizationRecord("P-ROT", LocalDate.of(2021, 10, 1), VaccineProduct.PFIZER, 1),
                        new ImmunizationRecord("P-ROT", LocalDate.of(2021, 11, 1), VaccineProduct.PFIZER, 2),
                        new PersonRecord("P-ROT2", "김철수", LocalDate.of(1990, 5, 5), Optional.empty()),
                        new ImmunizationRecord("P-ROT2", LocalDate.of(2021, 10, 1), VaccineProduct.PFIZER, 1),
                        new ImmunizationRecord("P-ROT2", LocalDate.of(2021, 11, 1), VaccineProduct.PFIZER, 2)));
        scanner = Chromium.start(temp.resolve("profile-scanner"), null);
        scanner.get(page());
        scanner.findElement(By.id("scannerId")).sendKeys(SCANNER);
        scanner.findElement(By.id("secret")).sendKeys(centre.secretOf(SCANNER));
        scanner.findElement(By.cssSelector("#signinForm button[type=submit]")).click();
        waitFor(() ->
                "true".equals(scanner.findElement(By.tagName("body")).getDomAttribute("data-ready")) ? "ok" : null);
    }

    @AfterAll
    static void stop() {
        if (scanner != null) {
            scanner.quit();
        }
        if (centre != null) {
            centre.close();
        }
    }

    static String page() {
        long offset = Math.round((centre.clock.millis() - Clock.systemUTC().millis()) / 1000.0);
        return centre.uri("/scanner/") + "?clockOffset=" + offset;
    }

    /** What the signed-in scanner page holds about bundles (its trust, kept with its sign-in). */
    static JsonNode held() {
        try {
            return JSON.readTree(
                    (String) scanner.executeScript("return localStorage.getItem('checkpass.scanner.signin')"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String hexPoint(String pem) {
        return HexFormat.of().formatHex(EcPoints.uncompressed(Pem.readPublicKey(pem, TestCentre.ES256)));
    }

    static byte[] printedPass(String personId) {
        var response = centre.post("/api/v1/passes", wallet, "{\"personId\":\"" + personId + "\",\"static\":true}");
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
        return Base64.getUrlDecoder()
                .decode(TestCentre.json(response).path("credential").asText());
    }

    static KeyId kidOf(byte[] credential) {
        return KeyId.fromBytes(
                CoseSign1.decode(credential, PassFormat.MAX_PROTECTED_HEADER_BYTES, PassFormat.MAX_CREDENTIAL_BYTES)
                        .protectedKid());
    }

    static byte[] publishedBundle() throws Exception {
        return http.send(
                        HttpRequest.newBuilder(centre.uri("/api/v1/trust-bundle"))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .body();
    }

    /**
     * In the page: accepts {@code bundle} as the page holds its trust now (the page's shared/checkpass.js), then
     * verifies each QR text with the page's verifier at the centre's time. Returns the reasons, or the refusal.
     */
    static JsonNode inPage(byte[] bundle, List<String> texts) throws Exception {
        Object answer = scanner.executeAsyncScript(
                """
                const [bundle64, texts, nowMs, done] = arguments;
                import('/shared/checkpass.js').then(async (m) => {
                  const creds = JSON.parse(localStorage.getItem('checkpass.scanner.signin'));
                  try {
                    const { bundle } = await m.acceptBundle(m.fromBase64(bundle64), creds.trust);
                    const verifier = new m.Verifier(bundle);
                    const reasons = [];
                    for (const t of texts) reasons.push((await verifier.verify(t, 'restaurant_cafe', nowMs)).reason);
                    done(JSON.stringify({ reasons }));
                  } catch (e) {
                    done(JSON.stringify({ refused: e.message }));
                  }
                }).catch((e) => done(JSON.stringify({ refused: 'runner failed: ' + e })));
                """, Base64.getEncoder().encodeToString(bundle), texts, centre.clock.millis());
        return JSON.readTree((String) answer);
    }

    /** Reloads the page: it installs the cached bundle, then fetches the centre's newest as it does every minute. */
    static void reloadAndAwaitVersion(long version) {
        scanner.get(page());
        waitFor(() -> held().path("trust").path("version").asLong() >= version ? "ok" : null);
    }

    @Test
    @Order(1)
    void credentials_of_the_old_and_new_issuer_keys_both_verify_in_the_page_until_the_old_key_is_revoked()
            throws Exception {
        byte[] before = printedPass("P-ROT");
        String beforeText = Presentation.ofStatic(before).toText();
        assertThat(inPage(publishedBundle(), List.of(beforeText))
                        .path("reasons")
                        .toString())
                .isEqualTo("[\"ID_CHECK_REQUIRED\"]");

        var keys = centre.server.centre().keys();
        keys.rotateIssuer("test:rotation", centre.clock.instant().plusSeconds(1));
        long rotated = centre.server.centre().bundles().publish("rotation").version();
        centre.clock.advance(Duration.ofSeconds(2));
        byte[] after = printedPass("P-ROT2");
        String afterText = Presentation.ofStatic(after).toText();
        assertThat(kidOf(after)).as("signed by the new key").isNotEqualTo(kidOf(before));
        reloadAndAwaitVersion(rotated);
        assertThat(inPage(publishedBundle(), List.of(beforeText, afterText))
                        .path("reasons")
                        .toString())
                .isEqualTo("[\"ID_CHECK_REQUIRED\",\"ID_CHECK_REQUIRED\"]");

        keys.revoke("test:drill", kidOf(before), "compromise drill");
        long revoked = centre.server.centre().bundles().publish("drill").version();
        byte[] again = printedPass("P-ROT");
        assertThat(kidOf(again)).as("not the revoked credential on record").isEqualTo(kidOf(after));

        reloadAndAwaitVersion(revoked);
        JsonNode verdicts = inPage(
                publishedBundle(),
                List.of(beforeText, afterText, Presentation.ofStatic(again).toText()));
        assertThat(verdicts.path("reasons").toString())
                .isEqualTo("[\"ISSUER_KEY_REVOKED\",\"ID_CHECK_REQUIRED\",\"ID_CHECK_REQUIRED\"]");
        assertThat(scanner.findElement(By.id("bundleState")).getText()).doesNotContain("갱신 실패", "failed");
    }

    @Test
    @Order(2)
    void the_signed_in_page_follows_an_announced_bundle_key_and_refuses_an_older_bundle() throws Exception {
        String oldAnchor = held().path("anchor").asText();
        assertThat(oldAnchor)
                .isEqualTo(hexPoint(centre.get("/api/v1/trust-anchor", null).body()));

        var keys = centre.server.centre().keys();
        var next = keys.rolloverBundle("test:rollover", centre.clock.instant().plus(Duration.ofHours(1)))
                .successor()
                .orElseThrow();
        long announcing = centre.server.centre().bundles().publish("announce").version();
        reloadAndAwaitVersion(announcing);
        assertThat(held().path("trust").path("next").path("point").asText())
                .isEqualTo(HexFormat.of().formatHex(EcPoints.uncompressed(next.publicKey())));

        centre.clock.advance(Duration.ofHours(1).plusSeconds(5));
        byte[] switched =
                publishedBundle(); // the first fetch after the switch instant publishes it, signed by the new key
        reloadAndAwaitVersion(announcing + 1);
        assertThat(held().path("anchor").asText())
                .as("the page pinned the announced key, without a new sign-in")
                .isEqualTo(HexFormat.of().formatHex(EcPoints.uncompressed(next.publicKey())))
                .isNotEqualTo(oldAnchor);
        assertThat(scanner.findElement(By.id("bundleState")).getText()).doesNotContain("갱신 실패", "failed");

        centre.clock.advance(Duration.ofSeconds(5));
        long later = centre.server.centre().bundles().publish("later").version();
        reloadAndAwaitVersion(later);
        assertThat(inPage(switched, List.of()).path("refused").asText())
                .as("no rollback to an older bundle")
                .contains("older than the held version");
        assertThat(inPage(publishedBundle(), List.of()).path("reasons").isArray())
                .isTrue();
    }

    static <T> T waitFor(Supplier<T> condition) {
        try {
            return new WebDriverWait(scanner, WAIT)
                    .ignoring(NoSuchElementException.class)
                    .ignoring(StaleElementReferenceException.class)
                    .until(d -> condition.get());
        } catch (TimeoutException e) {
            StringBuilder logs = new StringBuilder();
            scanner.manage()
                    .logs()
                    .get(LogType.BROWSER)
                    .forEach(entry -> logs.append("\n  ").append(entry.getMessage()));
            throw new AssertionError(
                    "timed out on " + scanner.getCurrentUrl() + "; the page shows:\n"
                            + scanner.findElement(By.tagName("body")).getText() + "\nbrowser log:" + logs,
                    e);
        }
    }
}
