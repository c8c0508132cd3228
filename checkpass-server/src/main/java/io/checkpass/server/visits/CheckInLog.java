package io.checkpass.server.visits;

import java.util.List;

/** The visit log. Appending is durable when it returns and idempotent on the check-in id. */
public interface CheckInLog {

    /** What an append did: new records, and records already stored (retries). */
    record Stored(int inserted, int duplicates) {}

    default Stored append(List<CheckIn> batch) {
        List<Boolean> inserted = appendEach(batch);
        int fresh = (int) inserted.stream().filter(Boolean::booleanValue).count();
        return new Stored(fresh, batch.size() - fresh);
    }

    /**
     * Appends like {@link #append}, and says for each check-in, in order, whether it was new ({@code true}) or
     * already stored ({@code false}). Callers that answer per check-in (a 안심콜 caller) need this; batch uploads,
     * which answer with counts, use {@link #append}, which a store may make cheaper.
     */
    List<Boolean> appendEach(List<CheckIn> batch);
}
