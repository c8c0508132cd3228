package io.checkpass.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.conformance.vectors.NativeVectors.Case;
import io.checkpass.conformance.vectors.NativeVectors.Expect;
import io.checkpass.conformance.vectors.NativeVectors.Step;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.Pem;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.trust.TrustBundleException;
import io.checkpass.core.trust.TrustBundles;
import io.checkpass.core.verify.Reason;
import io.checkpass.core.verify.Verdict;
import io.checkpass.core.verify.VerificationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files {@code checkpass vectors} writes, replayed through a fresh Java verifier, and the intent that guards them.
 * The command itself (its option and its summary line) is tested by the server's {@code VectorsCommandTest}.
 */
class NativeVectorsTest {
    static final Es256 ES256 = Es256.select();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static JsonNode cases;

    @BeforeAll
    static void write() throws Exception {
        // What VectorsCommand does: generate, refuse a verifier that disagrees with the intent, write.
        var generated = NativeVectors.generate(ES256, new SecureRandom());
        assertThat(NativeVectors.mismatches(generated, ES256)).isEmpty();
        VectorFiles.write(generated, NativeVectors.run(generated, ES256), dir);
        cases = JSON.readTree(dir.resolve("cases.json").toFile());
    }

    @Test
    void the_java_verifier_agrees_with_every_case_read_back_from_the_files() throws Exception {
        var anchor = Pem.readPublicKey(
                Files.readString(dir.resolve(cases.path("anchor").path("file").asText())), ES256);
        List<String> mismatches = new ArrayList<>();
        for (JsonNode c : cases.path("cases")) {
            var bundle = TrustBundles.open(
                            Files.readAllBytes(dir.resolve(c.path("bundle").asText())), Optional.of(anchor), ES256)
                    .bundle();
            var clock = new NativeVectors.SteppedClock();
            var verifier = NativeVectors.verifier(bundle, ES256, clock);
            int index = 0;
            for (JsonNode step : c.path("steps")) {
                index++;
                clock.set(Instant.parse(step.path("at").asText()));
                VerificationResult result = verifier.verify(
                        step.path("text").asText(),
                        new VenueType(c.path("venueType").asText()));
                String got = result.verdict() + "/" + result.reason() + "/"
                        + result.condition().map(x -> x.id()).orElse("-") + "/"
                        + result.pass().map(p -> p.id()).orElse("-");
                String want = step.path("verdict").asText() + "/"
                        + step.path("reason").asText() + "/"
                        + step.path("condition").asText("-") + "/"
                        + step.path("display").path("serial").asText("-");
                if (!got.equals(want)) {
                    mismatches.add(c.path("name").asText() + " step " + index + ": want " + want + ", got " + got);
                }
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(cases.path("cases").size()).isGreaterThan(80);
    }

    @Test
    void the_cases_cover_every_native_reason_code() {
        Set<Reason> covered = EnumSet.noneOf(Reason.class);
        cases.path("cases")
                .forEach(c -> c.path("steps")
                        .forEach(
                                s -> covered.add(Reason.valueOf(s.path("reason").asText()))));
        // KEY_NOT_AUTHORIZED, STATUS_NOT_PROVEN and NO_MEDICAL_RULES belong to foreign passes: their cases reach them.
        assertThat(covered).containsAll(EnumSet.allOf(Reason.class));
    }

    @Test
    void the_cases_cover_each_foreign_format_admitted_and_refused_and_carry_what_staff_see() {
        Map<String, Set<String>> outcomes = new TreeMap<>();
        cases.path("cases")
                .forEach(c -> c.path("steps").forEach(s -> {
                    String text = s.path("text").asText();
                    String format = text.startsWith("HC1:")
                            ? "DCC"
                            : text.startsWith("shc:/") ? "SHC" : text.startsWith("NZCP:/1/") ? "NZCP" : null;
                    if (format != null) {
                        outcomes.computeIfAbsent(format, f -> new TreeSet<>())
                                .add(s.path("verdict").asText());
                        if (s.path("verdict").asText().equals("CHECK_ID")) {
                            assertThat(s.path("display").path("deviceBound").asBoolean())
                                    .isFalse();
                            // A lenient DCC may lack a name or a plausible birth year: then nothing is shown.
                            if (!c.path("name").asText().startsWith("DCC lenient:")
                                    || s.path("display").has("maskedName")) {
                                assertThat(s.path("display").path("maskedName").asText())
                                        .contains("*");
                            }
                        }
                    }
                }));
        assertThat(outcomes).containsOnlyKeys("DCC", "SHC", "NZCP");
        outcomes.values().forEach(verdicts -> assertThat(verdicts).contains("CHECK_ID", "DENY"));
        JsonNode dcc = cases.path("cases").findValues("steps").stream()
                .flatMap(steps -> java.util.stream.StreamSupport.stream(steps.spliterator(), false))
                .filter(s -> s.path("text").asText().startsWith("HC1:")
                        && s.path("verdict").asText().equals("CHECK_ID"))
                .findFirst()
                .orElseThrow();
        assertThat(dcc.path("display").path("maskedName").asText()).isEqualTo("E*n");
        assertThat(dcc.path("display").path("birthYear").asInt()).isEqualTo(1964);
        assertThat(dcc.path("display").path("serial").asText()).startsWith("URN:UVCI:01DE/VECTORS/");
        JsonNode noCi = cases.path("cases").findValues("name").stream()
                .filter(n -> n.asText().startsWith("DCC lenient: no certificate id"))
                .findFirst()
                .map(n -> cases.path("cases").findParents("name").stream()
                        .filter(p -> p.path("name").equals(n))
                        .findFirst()
                        .orElseThrow())
                .orElseThrow();
        assertThat(noCi.path("steps").get(0).path("display").path("serial").asText())
                .as("a DCC without ci: the pass id is sig: and 16 bytes of SHA-256 of the signature, in hex")
                .matches("sig:[0-9a-f]{32}");
    }

    @Test
    void bundles_signed_by_another_key_or_altered_are_refused_and_the_others_load() throws Exception {
        var anchor = Pem.readPublicKey(Files.readString(dir.resolve("anchor.pem")), ES256);
        List<String> wrong = new ArrayList<>();
        for (JsonNode b : cases.path("bundles")) {
            boolean loaded;
            try {
                TrustBundles.open(Files.readAllBytes(dir.resolve(b.path("file").asText())), Optional.of(anchor), ES256);
                loaded = true;
            } catch (TrustBundleException e) {
                loaded = false;
            }
            if (loaded != b.path("accepted").asBoolean()) {
                wrong.add(b.path("file").asText());
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(cases.path("bundles").size()).isEqualTo(6);
    }

    @Test
    void a_wrong_intent_is_reported_rather_than_blessed_by_the_java_verifier() {
        var generated = NativeVectors.generate(ES256, new SecureRandom());
        Case first = generated.cases().getFirst();
        Step step = first.steps().getFirst();
        Case wrong = new Case(
                first.name(),
                first.bundle(),
                first.venueType(),
                List.of(new Step(step.text(), step.at(), new Expect(Verdict.DENY, Reason.REVOKED, Optional.empty()))));
        List<Case> altered = new ArrayList<>(generated.cases());
        altered.set(0, wrong);
        var mismatches = NativeVectors.mismatches(
                new NativeVectors.Generated(altered, generated.bundles(), generated.bundleChecks(), generated.anchor()),
                ES256);
        assertThat(mismatches).singleElement().asString().contains(first.name()).contains("REVOKED");
    }
}
