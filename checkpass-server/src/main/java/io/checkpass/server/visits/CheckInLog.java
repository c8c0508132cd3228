package io.checkpass.server.visits;

import java.util.List;

/** The visit log. Appending is durable when it returns and idempotent on the check-in id. */
public interface CheckInLog {

    /** What an append did: new records, and records already stored (retries). */
    record Stored(int inserted, int duplicates) {}

    Stored append(List<CheckIn> batch);
}
