package io.checkpass.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.conformance.vectors.ForeignVectors;
import io.checkpass.server.support.TestCentre;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Foreign passes through the real CLI: the conformance runner over the vendored suites, and the operator's path from
 * an issuer's published material ({@code trust import}) through a signed bundle ({@code bundle build --foreign}) to
 * a verdict at the door ({@code verify}).
 */
class ForeignPassCliTest {
    static final Path TESTDATA =
            Path.of(System.getProperty("basedir", ".")).resolve("../testdata").normalize();
    static final ObjectMapper JSON = new ObjectMapper();
    /** Lunch time in Seoul a week into the Korean pass rules. */
    static final Instant LUNCH = Instant.parse("2021-12-20T03:00:00Z");

    @TempDir
    static Path dir;

    static Path keys;

    @BeforeAll
    static void issuerKeys() {
        keys = dir.resolve("keys");
        CliRun.of(LUNCH, "keys", "new", "--out", keys.toString(), "--valid-from", "2021-01-01")
                .ok();
    }

    private static String lastLine(CliRun run) {
        List<String> lines = run.out().strip().lines().toList();
        return lines.getLast();
    }

    @Test
    void the_dcc_suite_agrees_and_reports_each_skip_with_its_reason() {
        CliRun run =
                CliRun.of(LUNCH, "conformance", "dcc", TESTDATA.resolve("dcc").toString());
        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(lastLine(run)).matches("\\d+ passed, 0 failed, [1-9]\\d* skipped.*");
        assertThat(run.out().lines().filter(l -> l.startsWith("SKIP ")))
                .allMatch(l -> l.matches("SKIP [^:]+\\.json: .{20,}"));
        assertThat(run.out()).doesNotContain("FAIL ");
    }

    @Test
    void the_shc_and_nzcp_suites_agree_on_every_case() {
        for (String format : List.of("shc", "nzcp")) {
            CliRun run = CliRun.of(
                    LUNCH, "conformance", format, TESTDATA.resolve(format).toString());
            assertThat(run.exitCode()).as(run.out()).isZero();
            assertThat(lastLine(run)).matches("[1-9]\\d* passed, 0 failed, 0 skipped");
        }
    }

    @Test
    void a_case_whose_expectation_we_do_not_meet_prints_one_line_and_fails_the_run() throws IOException {
        Path suite = Files.createDirectories(dir.resolve("wrong-suite"));
        ObjectNode badSignature = (ObjectNode)
                JSON.readTree(TESTDATA.resolve("dcc/common/2DCode/raw/CO5.json").toFile());
        badSignature.withObject("EXPECTEDRESULTS").put("EXPECTEDVERIFY", true);
        JSON.writeValue(suite.resolve("CO5-claims-valid.json").toFile(), badSignature);

        CliRun run = CliRun.of(LUNCH, "conformance", "dcc", suite.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out().strip().lines())
                .containsExactly(
                        "FAIL CO5-claims-valid.json: EXPECTEDVERIFY expected true but was false (SIGNATURE BAD_SIGNATURE)",
                        "DOOR CO5-claims-valid.json: expected accept, refused (BAD_SIGNATURE)",
                        "door: 0 of 1 agree (0.0%); 0 accepted, 1 refused; 1 expected to be accepted",
                        "0 passed, 1 failed, 0 skipped");
    }

    @Test
    void a_skip_list_given_on_the_command_line_replaces_the_built_in_one_and_a_skip_that_agrees_is_flagged()
            throws IOException {
        Path skips = dir.resolve("skips.json");
        Files.writeString(skips, """
                {"skips": [{"format": "dcc", "case": "2DCode/raw/CO5.json", "reason": "testing the option"}]}""");
        CliRun run = CliRun.of(
                LUNCH, "conformance", "dcc", TESTDATA.resolve("dcc/common").toString(), "--skips", skips.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("SKIP 2DCode/raw/CO5.json: testing the option [it now agrees: take it off the skip list]\n");
        assertThat(lastLine(run)).startsWith("37 passed, 0 failed, 1 skipped");
    }

    @Test
    void an_nz_covid_pass_verifies_through_imported_trust_and_a_signed_bundle() throws IOException {
        Path foreign = dir.resolve("nz-trust.json");
        CliRun.of(
                        LUNCH,
                        "trust",
                        "import",
                        "nzcp",
                        TESTDATA.resolve("nzcp/spec-examples/valid/did.json").toString(),
                        "--into",
                        foreign.toString())
                .ok();
        Path bundle = bundle("nz.cose", foreign);
        String pass = Files.readString(TESTDATA.resolve("nzcp/spec-examples/valid/nzcp.txt"))
                .strip();

        JsonNode verdict = verify(bundle, LUNCH, pass);

        // An NZCP states a status, not the doses and dates Korea's rules need (docs/foreign-passes.md §3): at a
        // restaurant it is admitted as an unvaccinated guest would be, under the condition.
        assertThat(verdict.path("verdict").asText()).isEqualTo("CHECK_ID");
        assertThat(verdict.path("format").asText()).isEqualTo("NZCP");
        assertThat(verdict.path("status").asText()).isEqualTo("unvaccinated");
        assertThat(verdict.path("condition").path("id").asText()).isEqualTo("alone_only");
        assertThat(verdict.path("maskedName").asText()).isEqualTo("J*w");
        assertThat(verdict.path("birthYear").asInt()).isEqualTo(1960);
        assertThat(verdict.path("serial").asText()).isEqualTo("urn:uuid:60a4f54d-4e30-4332-be33-ad78b1eafa4b");
    }

    @Test
    void a_dcc_verifies_through_an_imported_signer_certificate_and_is_unknown_without_it() throws IOException {
        JsonNode testCase =
                JSON.readTree(TESTDATA.resolve("dcc/DE/2DCode/raw/1.json").toFile());
        Path certificate = dir.resolve("de-dsc.pem");
        Files.writeString(
                certificate,
                "-----BEGIN CERTIFICATE-----\n"
                        + testCase.path("TESTCTX").path("CERTIFICATE").asText() + "\n-----END CERTIFICATE-----\n");
        Path foreign = dir.resolve("de-trust.json");
        CliRun imported = CliRun.of(
                        LUNCH, "trust", "import", "dcc", certificate.toString(), "--into", foreign.toString())
                .ok();
        assertThat(imported.out()).contains("1 DCC signers, 0 DCC revocation lists, 0 SHC issuers, 0 NZCP issuers");
        String pass = testCase.path("PREFIX").asText();

        JsonNode trusted = verify(bundle("de.cose", foreign), LUNCH, pass);
        JsonNode untrusted = verify(bundle("plain.cose", null), LUNCH, pass);

        assertThat(trusted.path("verdict").asText()).isEqualTo("CHECK_ID");
        assertThat(trusted.path("format").asText()).isEqualTo("DCC");
        assertThat(trusted.path("status").asText()).isEqualTo("vaccinated");
        assertThat(untrusted.path("verdict").asText()).isEqualTo("DENY");
        assertThat(untrusted.path("reason").asText()).isEqualTo("UNKNOWN_KEY");
    }

    @Test
    void a_dcc_revocation_list_imported_through_the_cli_refuses_the_certificate_it_lists() throws Exception {
        JsonNode testCase =
                JSON.readTree(TESTDATA.resolve("dcc/DE/2DCode/raw/1.json").toFile());
        String pem = testCase.path("TESTCTX").path("CERTIFICATE").asText();
        Path certificate = dir.resolve("de-dsc-revoked.pem");
        Files.writeString(certificate, "-----BEGIN CERTIFICATE-----\n" + pem + "\n-----END CERTIFICATE-----\n");
        // The HCERT key id: the first 8 bytes of SHA-256 of the certificate; a UCI hash: of the ci, first 16 bytes.
        byte[] kid = Arrays.copyOf(
                MessageDigest.getInstance("SHA-256")
                        .digest(Base64.getMimeDecoder().decode(pem)),
                8);
        String ci = testCase.path("JSON").path("v").get(0).path("ci").asText();
        byte[] uci =
                Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(ci.getBytes(StandardCharsets.UTF_8)), 16);
        Path list = Files.writeString(
                dir.resolve("revoked-de.json"),
                JSON.writeValueAsString(JSON.createObjectNode()
                        .put("kid", Base64.getEncoder().encodeToString(kid))
                        .put("hashType", "UCI")
                        .set(
                                "hashes",
                                JSON.createArrayNode().add(Base64.getEncoder().encodeToString(uci)))));
        Path foreign = dir.resolve("de-revoked-trust.json");
        CliRun.of(LUNCH, "trust", "import", "dcc", certificate.toString(), "--into", foreign.toString())
                .ok();
        CliRun imported = CliRun.of(
                        LUNCH, "trust", "import", "dcc-revocations", list.toString(), "--into", foreign.toString())
                .ok();
        assertThat(imported.out()).contains("1 DCC signers, 1 DCC revocation lists, 0 SHC issuers, 0 NZCP issuers");

        JsonNode verdict = verify(
                bundle("de-revoked.cose", foreign),
                LUNCH,
                testCase.path("PREFIX").asText());

        assertThat(verdict.path("verdict").asText()).isEqualTo("DENY");
        assertThat(verdict.path("reason").asText()).isEqualTo("REVOKED");
    }

    @Test
    void checkpass_verify_prints_the_warnings_of_a_dcc_that_bends_the_schema() throws IOException {
        ForeignVectors.Samples samples = ForeignVectors.samples(TestCentre.ES256, LUNCH);
        Path foreign = Files.writeString(
                dir.resolve("vectors-trust.json"), samples.trust().toString());
        Path bundle = bundle("vectors.cose", foreign);

        JsonNode bent = verify(bundle, LUNCH, samples.dccWithWarnings());
        JsonNode clean = verify(bundle, LUNCH, samples.dcc());

        assertThat(bent.path("verdict").asText()).isEqualTo("CHECK_ID");
        assertThat(bent.path("warnings").findValuesAsText("field")).containsExactly("v[0].dn", "v[0].sd");
        assertThat(bent.path("warnings").get(0).path("message").asText()).contains("read as 2");
        assertThat(clean.path("verdict").asText()).isEqualTo("CHECK_ID");
        assertThat(clean.has("warnings")).as("no warnings, no field").isFalse();
    }

    @Test
    void a_dcc_revocation_list_with_a_short_hash_is_refused_naming_the_file() throws IOException {
        Path list = Files.writeString(dir.resolve("short.json"), """
                [{"kid": "AAAAAAAAAAA=", "hashType": "UCI", "hashes": ["AAAAAAAAAAA="]}]""");
        CliRun run = CliRun.of(
                LUNCH,
                "trust",
                "import",
                "dcc-revocations",
                list.toString(),
                "--into",
                dir.resolve("short-trust.json").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.err()).contains("short.json [0]").contains("16 bytes");
        assertThat(dir.resolve("short-trust.json")).doesNotExist();
    }

    @Test
    void a_smart_health_card_issuer_is_imported_with_its_crl_and_a_revoked_card_is_denied() throws IOException {
        Path wellKnown = TESTDATA.resolve("shc/spec-examples/issuer/.well-known");
        Path foreign = dir.resolve("shc-trust.json");
        CliRun.of(
                        LUNCH,
                        "trust",
                        "import",
                        "shc",
                        "--iss",
                        "https://spec.smarthealth.cards/examples/issuer",
                        wellKnown.resolve("jwks.json").toString(),
                        wellKnown
                                .resolve("crl/3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json")
                                .toString(),
                        "--into",
                        foreign.toString())
                .ok();
        Path bundle = bundle("shc.cose", foreign);
        Instant afterIssue = Instant.parse("2023-07-03T03:00:00Z");

        JsonNode valid = verify(
                bundle,
                afterIssue,
                Files.readString(TESTDATA.resolve("shc/spec-examples/example-00-f-qr-code-numeric-value-0.txt"))
                        .strip());
        JsonNode revoked = verify(
                bundle,
                afterIssue,
                Files.readString(TESTDATA.resolve("shc/spec-examples/example-03-f-qr-code-numeric-value-0.txt"))
                        .strip());

        assertThat(valid.path("format").asText()).isEqualTo("SHC");
        assertThat(valid.path("status").asText()).isEqualTo("vaccinated");
        assertThat(valid.path("maskedName").asText()).isEqualTo("J*n");
        assertThat(revoked.path("verdict").asText()).isEqualTo("DENY");
        assertThat(revoked.path("reason").asText()).isEqualTo("REVOKED");
    }

    @Test
    void importing_a_key_set_without_its_issuer_url_is_one_clear_error() {
        Path jwks = TESTDATA.resolve("shc/spec-examples/issuer/.well-known/jwks.json");
        CliRun run = CliRun.of(
                LUNCH,
                "trust",
                "import",
                "shc",
                jwks.toString(),
                "--into",
                dir.resolve("x.json").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.err()).contains("--iss").doesNotContain("Exception");
    }

    @Test
    void a_malformed_issuer_key_is_refused_with_the_reason() {
        Path wrongKid = TESTDATA.resolve("shc/dev-tools-testdata/wrong_kid_key.json");
        CliRun run = CliRun.of(
                LUNCH,
                "trust",
                "import",
                "shc",
                "--iss",
                "https://example.org/issuer",
                wrongKid.toString(),
                "--into",
                dir.resolve("y.json").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("thumbprint");
        assertThat(dir.resolve("y.json")).doesNotExist();
    }

    @Test
    void a_certificate_file_that_is_not_one_is_named() throws IOException {
        Path notACertificate = Files.writeString(dir.resolve("not.pem"), "hello");
        CliRun run = CliRun.of(
                LUNCH,
                "trust",
                "import",
                "dcc",
                notACertificate.toString(),
                "--into",
                dir.resolve("z.json").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.err()).contains("not.pem");
    }

    private static Path bundle(String name, Path foreign) {
        Path out = dir.resolve(name);
        var args = new ArrayList<>(List.of("bundle", "build", "--keys", keys.toString(), "--out", out.toString()));
        if (foreign != null) {
            args.addAll(List.of("--foreign", foreign.toString()));
        }
        CliRun.of(LUNCH, args.toArray(String[]::new)).ok();
        return out;
    }

    private static JsonNode verify(Path bundle, Instant at, String text) {
        return CliRun.of(
                        at,
                        "verify",
                        "--bundle",
                        bundle.toString(),
                        "--trust-anchor",
                        keys.resolve("bundle.pub.pem").toString(),
                        "--at",
                        at.toString(),
                        text)
                .ok()
                .json();
    }
}
