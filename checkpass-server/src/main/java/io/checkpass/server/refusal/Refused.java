package io.checkpass.server.refusal;

/**
 * A service's refusal, thrown where a return value cannot carry it (deep inside a transaction, for instance).
 * It is a normal outcome, not a failure: callers map {@link #refusal()} to their own answer (an HTTP problem, a
 * CLI line), and nothing is logged as an error.
 */
public final class Refused extends RuntimeException {
    private final Refusal refusal;

    public Refused(Refusal refusal) {
        super(refusal.detail(), null, false, false);
        this.refusal = refusal;
    }

    public Refusal refusal() {
        return refusal;
    }
}
