package io.checkpass.core.verify;

/** What the door does. */
public enum Verdict {
    /** Let in. Green. */
    ADMIT,
    /** Let in under a condition staff must apply (e.g. eat alone). Amber. */
    ADMIT_LIMITED,
    /** The pass is genuine but not bound to this holder's device: compare the masked name and birth year with an ID card. Amber. */
    CHECK_ID,
    /** Do not let in. Red. */
    DENY
}
