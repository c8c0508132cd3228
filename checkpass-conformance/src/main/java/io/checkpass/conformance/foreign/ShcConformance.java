package io.checkpass.conformance.foreign;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.conformance.foreign.ConformanceReport.CaseResult;
import io.checkpass.core.codec.Json;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.foreign.ForeignTrust;
import io.checkpass.core.foreign.shc.ShcIssuer;
import io.checkpass.core.foreign.shc.ShcVerifier;
import io.checkpass.core.verify.CredentialValidity;
import io.checkpass.core.verify.ForeignFormat.FormatOutcome;
import io.checkpass.core.verify.Reason;
import io.checkpass.core.verify.VerifierPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs a SMART Health Card folder laid out like ../shared/testdata/shc. That suite states its expected outcomes in
 * prose (shc/MANIFEST.md and the upstream tests it cites), so they are transcribed, case by case and with their
 * source, in an expectations file ({@value #PACKAGED} by default): the trusted issuers with their folders, each
 * card's expected verdict, each key set's expected acceptance, the files that are not verifier input, and the clock.
 *
 * <p>Trust is built the way a scanner gets it: each issuer's {@code .well-known/jwks.json} and CRLs go through the
 * checks of {@link ShcIssuer} and the bundle's JSON form; an issuer refused there is simply not trusted. Every file of
 * the folder must be covered by an expectation, so a new upstream case cannot go untested unnoticed.
 */
public final class ShcConformance {
    public static final String FORMAT = "shc";
    public static final String PACKAGED = "/io/checkpass/conformance/foreign/shc-expectations.json";

    private final Es256 es256;

    public ShcConformance(Es256 es256) {
        this.es256 = es256;
    }

    /** The expectations versioned with this build, for ../shared/testdata/shc. */
    public static JsonNode packagedExpectations() {
        try (InputStream in = ShcConformance.class.getResourceAsStream(PACKAGED)) {
            if (in == null) {
                throw new IllegalStateException(PACKAGED + " is missing from the build");
            }
            return Json.parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs every case of {@code expectations} against {@code dir}. */
    public ConformanceReport run(Path dir, JsonNode expectations, ConformanceSkips skips) throws IOException {
        Instant clock = ValidationClock.parse(expectations.path("clock").asText(""));
        List<CaseResult> results = new ArrayList<>();
        Set<Path> covered = new HashSet<>();

        ForeignTrust trust = ForeignTrust.empty();
        for (JsonNode issuer : expectations.path("issuers")) {
            String iss = issuer.path("iss").asText();
            Path folder = dir.resolve(issuer.path("dir").asText()).resolve(".well-known");
            String name = "issuer " + iss;
            Optional<ShcIssuer> imported = Optional.empty();
            String outcome;
            try (Stream<Path> files = Files.walk(folder)) {
                files.filter(Files::isRegularFile).forEach(covered::add);
                imported = Optional.of(importIssuer(iss, folder));
                outcome = "ACCEPTED";
            } catch (IOException | IllegalArgumentException e) {
                outcome = "REJECTED (" + e.getMessage() + ")";
            }
            if (imported.isPresent()) {
                trust = trust.withShcIssuer(imported.get());
            }
            results.add(compare(name, issuer.path("expect").asText(), outcome, skips));
        }
        ShcVerifier verifier =
                new ShcVerifier(ForeignTrust.fromJson(trust.toJson()).shcIssuers(), es256);

        for (JsonNode card : expectations.path("cases")) {
            List<Path> files = new ArrayList<>();
            card.path("files").forEach(f -> files.add(dir.resolve(f.asText())));
            covered.addAll(files);
            String name = String.join(
                    " + ",
                    files.stream()
                            .map(f -> dir.relativize(f).toString().replace('\\', '/'))
                            .toList());
            List<String> expected = new ArrayList<>();
            card.path("expect").forEach(e -> expected.add(e.asText()));
            String outcome;
            try {
                outcome = String.join(", ", judge(verifier, files, clock));
            } catch (IOException | IllegalArgumentException e) {
                outcome = "unreadable (" + e.getMessage() + ")";
            }
            results.add(compare(name, String.join(", ", expected), outcome, skips));
        }

        for (JsonNode keySet : expectations.path("keys")) {
            Path file = dir.resolve(keySet.path("file").asText());
            covered.add(file);
            Optional<String> iss = keySet.path("iss").isTextual()
                    ? Optional.of(keySet.path("iss").asText())
                    : Optional.empty();
            String outcome;
            try {
                JsonNode keys = Json.parse(Files.readAllBytes(file)).path("keys");
                if (!keys.isArray() || keys.isEmpty()) {
                    throw new IllegalArgumentException("not a key set");
                }
                keys.forEach(key -> ShcIssuer.checkKey(key, iss));
                outcome = "ACCEPTED";
            } catch (IOException | IllegalArgumentException e) {
                outcome = "REJECTED (" + e.getMessage() + ")";
            }
            results.add(compare(
                    "key set " + dir.relativize(file).toString().replace('\\', '/'),
                    keySet.path("expect").asText(),
                    outcome,
                    skips));
        }

        results.addAll(uncovered(dir, covered, expectations.path("notCases")));
        return new ConformanceReport(FORMAT, results);
    }

    private ShcIssuer importIssuer(String iss, Path wellKnown) throws IOException {
        JsonNode jwks = Json.parse(Files.readAllBytes(wellKnown.resolve("jwks.json")));
        List<JsonNode> crls = new ArrayList<>();
        Path crlFolder = wellKnown.resolve("crl");
        if (Files.isDirectory(crlFolder)) {
            try (Stream<Path> files = Files.list(crlFolder)) {
                for (Path crl : files.filter(p -> p.toString().endsWith(".json"))
                        .sorted()
                        .toList()) {
                    crls.add(Json.parse(Files.readAllBytes(crl)));
                }
            }
        }
        return new ShcIssuer(iss, jwks, crls);
    }

    /** The verdict on each card the files hold: one numeric QR or all chunks of one, a JWS, or a file of JWS. */
    private List<String> judge(ShcVerifier verifier, List<Path> files, Instant clock) throws IOException {
        List<String> texts = new ArrayList<>();
        for (Path file : files) {
            // A text file's surrounding whitespace is not part of what a scanner would read.
            texts.add(Files.readString(file, StandardCharsets.UTF_8).strip());
        }
        if (texts.stream().allMatch(t -> t.startsWith("shc:"))) {
            return List.of(verdict(verifier.readQr(String.join("\n", texts)), clock));
        }
        if (texts.size() != 1) {
            throw new IllegalArgumentException("several files that are not all numeric QR chunks");
        }
        String text = texts.getFirst();
        if (!text.startsWith("{")) {
            return List.of(verdict(verifier.verify(text), clock));
        }
        List<String> verdicts = new ArrayList<>();
        for (String jws : credentials(Json.parse(text))) {
            verdicts.add(verdict(verifier.verify(jws), clock));
        }
        return verdicts;
    }

    /** The JWS of a health card file ({@code verifiableCredential}) or of a FHIR {@code $health-cards-issue} response. */
    private static List<String> credentials(JsonNode document) {
        List<String> jws = new ArrayList<>();
        document.path("verifiableCredential").forEach(v -> jws.add(v.asText()));
        for (JsonNode parameter : document.path("parameter")) {
            if ("verifiableCredential".equals(parameter.path("name").asText())) {
                jws.add(parameter.path("valueString").asText());
            }
        }
        if (jws.isEmpty()) {
            throw new IllegalArgumentException("no verifiableCredential in the file");
        }
        return jws;
    }

    private static String verdict(FormatOutcome outcome, Instant clock) {
        return switch (outcome) {
            case FormatOutcome.Failed failed -> failed.reason().name();
            case FormatOutcome.Read read ->
                CredentialValidity.check(
                                read.facts().issuedAt(),
                                read.facts().expiresAt(),
                                clock,
                                VerifierPolicy.DEFAULT.clockSkew())
                        .map(Reason::name)
                        .orElse("VALID");
        };
    }

    private static CaseResult compare(String name, String expected, String outcome, ConformanceSkips skips) {
        boolean agrees = outcome.equals(expected) || outcome.startsWith("REJECTED") && expected.equals("REJECTED");
        Optional<String> skip = skips.reason(FORMAT, name);
        if (skip.isPresent()) {
            return new ConformanceReport.Skipped(name, skip.get(), agrees);
        }
        return agrees
                ? new ConformanceReport.Passed(name)
                : new ConformanceReport.Failed(name, List.of("expected " + expected + " but was " + outcome));
    }

    /** Every file of the folder that no expectation covers, as a failure: a case nobody said what to expect of. */
    private static List<CaseResult> uncovered(Path dir, Set<Path> covered, JsonNode notCases) throws IOException {
        List<PathMatcher> excluded = new ArrayList<>();
        notCases.forEach(n -> excluded.add(
                FileSystems.getDefault().getPathMatcher("glob:" + n.path("glob").asText())));
        Set<Path> normalized = new HashSet<>();
        covered.forEach(p -> normalized.add(p.normalize()));
        List<CaseResult> results = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String fileName = file.getFileName().toString();
                Path relative = dir.relativize(file);
                boolean documentation = fileName.endsWith(".md") || fileName.startsWith("LICENSE");
                if (documentation
                        || normalized.contains(file.normalize())
                        || excluded.stream().anyMatch(m -> m.matches(relative))) {
                    continue;
                }
                results.add(new ConformanceReport.Failed(
                        relative.toString().replace('\\', '/'), List.of("no expectation covers this file")));
            }
        }
        return results;
    }
}
