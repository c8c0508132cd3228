package io.checkpass.core.foreign.dcc;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.verify.CredentialValidity;
import io.checkpass.core.verify.ForeignFormat.FormatOutcome;
import io.checkpass.core.verify.PassFacts;
import io.checkpass.core.verify.PassWarning;
import io.checkpass.core.verify.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link HcertVerifier} found out about one COSE message, step by step, so that the conformance runner can
 * compare each step with a test case's expectation and the reader can take the first failure.
 *
 * <p>A step that could not run (its input failed earlier) is absent from {@link #steps()}.
 */
public final class HcertCheck {
    /** The checks in the order the reader applies them. */
    public enum Step {
        /** COSE_Sign1 structure. */
        COSE,
        /** A trusted key with this key id verifies the signature. */
        SIGNATURE,
        /** The signed CWT claims: issued-at, expiry and the hcert claim (an issuer that is not text is a warning). */
        CWT,
        /** The verifying signer certificate was valid when the certificate claims to have been issued. */
        SIGNER_PERIOD,
        /** The DCC payload can be read: it is a map. Deviations from the schema are warnings, not failures. */
        PAYLOAD,
        /** The signer certificate's key usage allows every kind of entry the payload holds. */
        KEY_USAGE,
        /** No revocation list of the signer's key id holds the certificate's UCI, country+UCI or signature hash. */
        REVOCATION
    }

    private final EnumMap<Step, Optional<Reason>> steps;
    private final JsonNode hcert;
    private final Optional<Instant> issuedAt;
    private final Optional<Instant> expiresAt;
    private final PassFacts facts;
    private final Dgc dgc;

    HcertCheck(
            EnumMap<Step, Optional<Reason>> steps,
            JsonNode hcert,
            Optional<Instant> issuedAt,
            Optional<Instant> expiresAt,
            PassFacts facts,
            Dgc dgc) {
        this.steps = steps.clone();
        this.hcert = hcert;
        this.issuedAt = issuedAt;
        this.expiresAt = expiresAt;
        this.facts = facts;
        this.dgc = dgc;
    }

    /**
     * The exclusive end of a certificate that expires at {@code exp}: hcert treats a certificate as valid up to and
     * including exp, a whole second, while the verifier treats the end it is given as the first instant it is not.
     */
    public static Instant exclusiveEnd(Instant exp) {
        return exp.plusSeconds(1);
    }

    /** The payload as read, when it could be: its type, status and warnings. */
    public Optional<Dgc> dgc() {
        return Optional.ofNullable(dgc);
    }

    /** The payload's deviations from the DCC schema (field and message); empty when it fits or was not read. */
    public List<PassWarning> warnings() {
        if (facts != null) {
            return facts.warnings();
        }
        return dgc == null ? List.of() : dgc.warnings();
    }

    /** Each step that ran, with its failure or empty when it passed. */
    public Map<Step, Optional<Reason>> steps() {
        return Collections.unmodifiableMap(steps);
    }

    /** Whether the step ran and passed. */
    public boolean passed(Step step) {
        return steps.containsKey(step) && steps.get(step).isEmpty();
    }

    /** Whether the step ran. */
    public boolean ran(Step step) {
        return steps.containsKey(step);
    }

    /** The first failure in step order, if any. */
    public Optional<Reason> firstFailure() {
        return steps.values().stream().flatMap(Optional::stream).findFirst();
    }

    /** The DCC payload as the signed CWT carries it (hcert claim −260, key 1), if the CWT could be read. */
    public Optional<JsonNode> hcert() {
        return Optional.ofNullable(hcert);
    }

    public Optional<Instant> issuedAt() {
        return issuedAt;
    }

    /** The CWT {@code exp}: the last second in which the certificate is valid. */
    public Optional<Instant> expiresAt() {
        return expiresAt;
    }

    /**
     * The credential's validity at {@code now}, as the verifier judges the facts the reader reports: issued-at within
     * the clock skew, and valid up to and including exp.
     */
    public Optional<Reason> validityAt(Instant now, Duration clockSkew) {
        return CredentialValidity.check(issuedAt, expiresAt.map(HcertCheck::exclusiveEnd), now, clockSkew);
    }

    /** The reader's verdict: the first failure, else the facts. */
    public FormatOutcome outcome() {
        Optional<Reason> failure = firstFailure();
        if (failure.isPresent()) {
            return new FormatOutcome.Failed(failure.get());
        }
        if (facts == null) {
            // Every step passed, so facts exist; a missing one is a bug, and fails closed.
            return new FormatOutcome.Failed(Reason.MALFORMED);
        }
        return new FormatOutcome.Read(facts, dgc.evidence());
    }
}
