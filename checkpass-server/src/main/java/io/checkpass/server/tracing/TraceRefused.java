package io.checkpass.server.tracing;

/**
 * A trace that ran no resolution: the request names no one the centre knows, or it would match more visits
 * than one trace may return. The refusal itself is audited.
 */
public final class TraceRefused extends RuntimeException {

    /** Why a trace was refused. */
    public enum Why {
        /** The registry holds no person with the requested id. */
        UNKNOWN_PERSON,
        /** More case visits or co-visits than {@link Tracer.Bounds} allows. */
        TOO_MANY_VISITS
    }

    private final Why why;

    public TraceRefused(Why why, String message) {
        super(message);
        this.why = why;
    }

    public Why why() {
        return why;
    }
}
