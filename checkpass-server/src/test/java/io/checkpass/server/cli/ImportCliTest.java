package io.checkpass.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.pass.HolderDevice;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.verify.PassVerifier;
import io.checkpass.core.verify.Reason;
import io.checkpass.server.auth.Role;
import io.checkpass.server.support.TestCentre;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `checkpass import csv|fhir` into a real centre, then issuance and verification; and labs posting over HTTP. */
class ImportCliTest {
    static final Instant LUNCH_13_DEC =
            OffsetDateTime.of(2021, 12, 13, 12, 0, 0, 0, ZoneOffset.ofHours(9)).toInstant();
    static final Path SAMPLE_CSV = Path.of("..", "examples", "registry-sample.csv");
    static final Path SAMPLE_FHIR = Path.of("..", "examples", "registry-sample-fhir.json");
    static TestCentre centre;

    @BeforeAll
    static void start() {
        centre = new TestCentre(LUNCH_13_DEC);
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    static CliRun importFile(String kind, Path file) {
        return CliRun.onCentre(LUNCH_13_DEC, centre, "import", kind, file.toString());
    }

    @Test
    void a_csv_import_commits_the_good_records_reports_each_bad_one_and_is_idempotent() throws Exception {
        CliRun first = importFile("csv", SAMPLE_CSV);
        assertThat(first.exitCode()).as(first.err()).isEqualTo(1);
        assertThat(first.out()).containsPattern("\\d+ inserted, 0 updated, \\d+ unchanged, 2 rejected");
        assertThat(first.err().lines().filter(l -> l.startsWith("registry-sample.csv line ")))
                .hasSize(2);
        assertThat(first.err()).contains("sinovac");

        CliRun again = importFile("csv", SAMPLE_CSV);
        assertThat(again.out()).contains("0 inserted, 0 updated, 31 unchanged, 2 rejected");
        assertThat(centre.server.centre().registry().find("P0002").orElseThrow().immunizations())
                .hasSize(3);

        // import → issue → the core verifier admits
        String wallet = centre.client("wallet-import", Role.WALLET_PROVIDER);
        KeyPair device = TestCentre.ES256.generateKeyPair();
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(EcPoints.uncompressed((ECPublicKey)
                device.getPublic()));
        var response =
                centre.post("/api/v1/passes", wallet, "{\"personId\":\"P0001\",\"devicePublicKey\":\"" + key + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        byte[] credential = Base64.getUrlDecoder()
                .decode(TestCentre.json(response).path("credential").asText());
        String text = new HolderDevice((ECPrivateKey) device.getPrivate(), TestCentre.ES256)
                .present(credential, LUNCH_13_DEC)
                .toText();
        var result = new PassVerifier(
                        centre.bundle().bundle(),
                        TestCentre.ES256,
                        Clock.fixed(LUNCH_13_DEC.plusSeconds(2), ZoneOffset.UTC))
                .verify(text, new VenueType("restaurant_cafe"));
        assertThat(result.reason()).isEqualTo(Reason.VALID);
    }

    @Test
    void a_fhir_bundle_imports_and_reimports_without_change() {
        importFile("csv", SAMPLE_CSV); // the bundle also refers to persons the CSV sample brings
        CliRun first = importFile("fhir", SAMPLE_FHIR);
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).containsPattern("\\d+ inserted, \\d+ updated, \\d+ unchanged, 0 rejected");
        CliRun again = importFile("fhir", SAMPLE_FHIR);
        assertThat(again.out()).contains(" 0 inserted, 0 updated");
    }

    @Test
    void a_missing_file_is_one_clear_line() {
        CliRun run = importFile("csv", Path.of("no-such.csv"));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("checkpass import csv: import file no-such.csv does not exist");
    }

    @Test
    void labs_post_results_over_http_idempotently() throws Exception {
        importFile("csv", SAMPLE_CSV);
        String lab = centre.client("lab-import", Role.LAB);
        String body = Files.readString(Path.of("..", "examples", "lab-result.json"));
        var first = centre.post("/api/v1/lab-results", lab, body);
        assertThat(first.statusCode()).as(first.body()).isIn(200, 201);
        var again = centre.post("/api/v1/lab-results", lab, body);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(TestCentre.json(again).path("outcome").asText()).isEqualTo("unchanged");

        var fhir = centre.post(
                "/api/v1/lab-results", lab, Files.readString(Path.of("..", "examples", "lab-result-fhir.json")));
        assertThat(fhir.statusCode()).as(fhir.body()).isEqualTo(200);

        var unknown = centre.post("/api/v1/lab-results", lab, body.replace("P0004", "NOBODY"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        var invalid = centre.post("/api/v1/lab-results", lab, "{\"personId\":\"P0004\",\"kind\":\"pcr\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.headers().firstValue("Content-Type")).contains("application/problem+json");
    }
}
