package io.checkpass.core.verify;

import io.checkpass.core.trust.TrustBundle;
import java.time.Instant;
import java.util.Optional;

/**
 * A foreign pass format the verifier can read (EU DCC, SMART Health Cards, NZ COVID Pass). Implementations
 * decode with hard size limits, find the issuer's key in the bundle's foreign trust material and check the
 * signature; the verifier then applies validity and venue rules like for native passes.
 */
public interface ForeignFormat {
    /**
     * The longest foreign QR text the verifier passes to a reader: three SMART Health Card chunks of the largest
     * size the spec allows (2,390 digits each), joined by line breaks. Each reader bounds its own input further.
     */
    int MAX_TEXT_CHARS = 8192;

    /** The QR text prefix this format claims, e.g. {@code "HC1:"}; matched case-sensitively. */
    String prefix();

    /** A reader bound to one bundle's trust material; called once per installed bundle. */
    Reader reader(TrustBundle bundle);

    /**
     * Reads one presented pass against fixed trust material. Must not throw. The reader checks structure, trust and
     * signature, and states issued-at and expiry in the facts; the verifier applies them to {@code now}.
     */
    @FunctionalInterface
    interface Reader {
        FormatOutcome read(String text, Instant now);
    }

    /** What a reader concluded. */
    sealed interface FormatOutcome {
        /**
         * The issuer signature verified; these are the facts. With {@code evidence} (every foreign reader), the
         * facts' status is only a stand-in (UNVACCINATED from issued-at, unbounded): the door decides the status from
         * the evidence under the bundle's medical rules at the scan instant and replaces it. Without, the facts'
         * status stands.
         */
        record Read(PassFacts facts, Optional<ForeignEvidence> evidence) implements FormatOutcome {
            public Read {
                java.util.Objects.requireNonNull(facts, "facts");
                java.util.Objects.requireNonNull(evidence, "evidence");
            }

            /** Facts whose status stands as they state it. */
            public Read(PassFacts facts) {
                this(facts, Optional.empty());
            }

            /** Facts whose status the door decides from {@code evidence}. */
            public Read(PassFacts facts, ForeignEvidence evidence) {
                this(facts, Optional.of(evidence));
            }
        }

        /** It failed, for this reason (never an admitting one). */
        record Failed(Reason reason) implements FormatOutcome {}
    }
}
