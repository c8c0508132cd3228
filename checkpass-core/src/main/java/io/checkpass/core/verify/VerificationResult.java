package io.checkpass.core.verify;

import io.checkpass.core.rules.Condition;
import io.checkpass.core.rules.LocalizedText;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of verifying one presented pass. A denied pass is an ordinary outcome, not an exception: switch
 * over the five cases.
 */
public sealed interface VerificationResult {

    Verdict verdict();

    Reason reason();

    /** The verified pass, when verification got that far (never for forged, malformed or unknown passes). */
    Optional<VerifiedPass> pass();

    /**
     * Schema deviations the reader of a foreign pass read past (field and message), shown with the verdict; empty
     * when the pass fits its schema or verification did not get as far as reading it.
     */
    default List<PassWarning> warnings() {
        return pass().map(VerifiedPass::warnings).orElse(List.of());
    }

    /** The condition staff must apply, for ADMIT_LIMITED and for a CHECK_ID that carries one. */
    default Optional<Condition> condition() {
        return Optional.empty();
    }

    /** Let in: the pass is valid here ({@link Reason#VALID}) or no pass is needed ({@link Reason#PASS_NOT_REQUIRED}). */
    record Admitted(VerifiedPass verifiedPass, Reason reason) implements VerificationResult {
        @Override
        public Verdict verdict() {
            return Verdict.ADMIT;
        }

        @Override
        public Optional<VerifiedPass> pass() {
            return Optional.of(verifiedPass);
        }
    }

    /** Let in under a condition. */
    record AdmittedLimited(VerifiedPass verifiedPass, Condition admitCondition) implements VerificationResult {
        @Override
        public Verdict verdict() {
            return Verdict.ADMIT_LIMITED;
        }

        @Override
        public Reason reason() {
            return Reason.CONDITION_APPLIES;
        }

        @Override
        public Optional<VerifiedPass> pass() {
            return Optional.of(verifiedPass);
        }

        @Override
        public Optional<Condition> condition() {
            return Optional.of(admitCondition);
        }
    }

    /** A genuine pass not bound to a device: compare the display data with an ID card, then apply any condition. */
    record IdCheckRequired(VerifiedPass verifiedPass, Optional<Condition> admitCondition)
            implements VerificationResult {
        @Override
        public Verdict verdict() {
            return Verdict.CHECK_ID;
        }

        @Override
        public Reason reason() {
            return Reason.ID_CHECK_REQUIRED;
        }

        @Override
        public Optional<VerifiedPass> pass() {
            return Optional.of(verifiedPass);
        }

        @Override
        public Optional<Condition> condition() {
            return admitCondition;
        }
    }

    /**
     * Let in during a guidance period or a suspension of enforcement, although the rule would refuse: show the
     * notice, which says what the rule requires. A pass not bound to a device still needs the ID check.
     */
    record AdmittedDuringGuidance(VerifiedPass verifiedPass, LocalizedText notice, Instant enforcedFrom)
            implements VerificationResult {
        @Override
        public Verdict verdict() {
            return verifiedPass.deviceBound() ? Verdict.ADMIT : Verdict.CHECK_ID;
        }

        @Override
        public Reason reason() {
            return Reason.GUIDANCE_PERIOD;
        }

        @Override
        public Optional<VerifiedPass> pass() {
            return Optional.of(verifiedPass);
        }
    }

    /** Do not let in. */
    record Denied(Reason reason, Optional<VerifiedPass> pass) implements VerificationResult {
        public Denied {
            if (reason.admitting()) {
                throw new IllegalArgumentException(reason + " is not a reason to deny");
            }
        }

        @Override
        public Verdict verdict() {
            return Verdict.DENY;
        }

        static Denied because(Reason reason) {
            return new Denied(reason, Optional.empty());
        }
    }
}
