package io.checkpass.conformance.foreign;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.conformance.foreign.ConformanceReport.CaseResult;
import io.checkpass.core.codec.Json;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.foreign.ForeignTrust;
import io.checkpass.core.foreign.nzcp.NzcpIssuer;
import io.checkpass.core.foreign.nzcp.NzcpVerifier;
import io.checkpass.core.verify.CredentialValidity;
import io.checkpass.core.verify.ForeignFormat.FormatOutcome;
import io.checkpass.core.verify.Reason;
import io.checkpass.core.verify.VerifierPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs an NZ COVID Pass vector folder laid out like ../shared/testdata/nzcp: {@code nzcp-test-vectors.json} holds the
 * trusted issuer's DID document, the pinned verification time and the vectors, each with its pass and expected
 * result ({@code VALID}, {@code EXPIRED}, {@code NOT ACTIVE} or {@code FAIL…}). A failure whose recomputed result
 * names the cause (bad signature, key not found, untrusted issuer) must fail for that reason.
 */
public final class NzcpConformance {
    public static final String FORMAT = "nzcp";
    public static final String VECTORS = "nzcp-test-vectors.json";

    private final Es256 es256;

    public NzcpConformance(Es256 es256) {
        this.es256 = es256;
    }

    /** Runs every vector of {@code dir/nzcp-test-vectors.json}. */
    public ConformanceReport run(Path dir, ConformanceSkips skips) throws IOException {
        Path file = dir.resolve(VECTORS);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + " has no " + VECTORS);
        }
        JsonNode suite = Json.parse(Files.readAllBytes(file));
        Instant clock = pinnedClock(suite.path("verification_time_pinned"));
        // The trust material goes through the bundle's JSON form, as it would on a scanner.
        NzcpVerifier verifier = new NzcpVerifier(
                ForeignTrust.fromJson(ForeignTrust.empty()
                                .withNzcpIssuer(NzcpIssuer.of(suite.path("did_document")))
                                .toJson())
                        .nzcpIssuers(),
                es256);
        List<CaseResult> results = new ArrayList<>();
        for (JsonNode vector : suite.path("vectors")) {
            String name = vector.path("name").asText("");
            String outcome = judge(verifier, vector.path("pass").asText(""), clock);
            boolean agrees = expected(vector).contains(outcome);
            Optional<String> skip = skips.reason(FORMAT, name);
            if (skip.isPresent()) {
                results.add(new ConformanceReport.Skipped(name, skip.get(), agrees));
            } else {
                results.add(
                        agrees
                                ? new ConformanceReport.Passed(name)
                                : new ConformanceReport.Failed(
                                        name,
                                        List.of("expected "
                                                + vector.path("expected").asText() + " but was " + outcome)));
            }
        }
        return new ConformanceReport(FORMAT, results);
    }

    private static Instant pinnedClock(JsonNode pinned) {
        if (pinned.path("unix").isIntegralNumber()) {
            return Instant.ofEpochSecond(pinned.path("unix").asLong());
        }
        if (pinned.has("utc")) {
            return ValidationClock.parse(pinned.path("utc").asText());
        }
        throw new IllegalArgumentException(
                VECTORS + " pins no verification time (verification_time_pinned.unix or .utc)");
    }

    /** The verifier's outcome as a reason name, VALID when the pass is valid at the clock. */
    private String judge(NzcpVerifier verifier, String pass, Instant clock) {
        return switch (verifier.read(pass)) {
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

    /** The outcomes that agree with a vector's expectation. */
    private static Set<String> expected(JsonNode vector) {
        String expected = vector.path("expected").asText("");
        String recomputed = vector.path("recomputed_at_pinned_time").asText("");
        if (expected.equals("VALID")) {
            return Set.of("VALID");
        }
        if (expected.equals("EXPIRED")) {
            return Set.of(Reason.CREDENTIAL_EXPIRED.name());
        }
        if (expected.equals("NOT ACTIVE")) {
            return Set.of(Reason.NOT_YET_VALID.name());
        }
        if (expected.startsWith("FAIL")) {
            if (recomputed.contains("bad signature")) {
                return Set.of(Reason.BAD_SIGNATURE.name());
            }
            if (recomputed.contains("key not found") || recomputed.contains("untrusted issuer")) {
                return Set.of(Reason.UNKNOWN_KEY.name());
            }
            return Set.of(Reason.MALFORMED.name(), Reason.UNKNOWN_KEY.name(), Reason.BAD_SIGNATURE.name());
        }
        return Set.of("an expectation this runner knows (" + expected + ")");
    }
}
