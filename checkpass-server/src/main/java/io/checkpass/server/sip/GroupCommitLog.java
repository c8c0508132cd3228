package io.checkpass.server.sip;

import io.checkpass.server.db.GroupCommit;
import io.checkpass.server.visits.CheckIn;
import io.checkpass.server.visits.CheckInLog;
import java.util.List;

/**
 * Group commit in front of a {@link CheckInLog}: calls that arrive while a write is in progress are written
 * together in the next one, so the SIP endpoint holds one database connection however many calls come in. Each
 * caller still returns only once its own check-in is durable. With one append per call, SIPp at 300 calls/s
 * starved on the centre's 16-connection pool (calls waiting over 10 s for a connection, then 503); grouped,
 * 1,000 calls/s were all stored (docs/sip.md).
 */
final class GroupCommitLog implements CheckInLog, AutoCloseable {
    private final GroupCommit<CheckIn, Boolean> group;

    /**
     * @param capacity check-ins waiting at most; past it {@link #append} fails at once (the caller answers 503)
     * @param maxBatch check-ins per write at most
     */
    GroupCommitLog(CheckInLog log, int capacity, int maxBatch) {
        this.group = new GroupCommit<>("sip-group-commit", log::appendEach, capacity, maxBatch);
    }

    /** Waits until the write that carries these check-ins has committed; says which of them were new. */
    @Override
    public List<Boolean> appendEach(List<CheckIn> batch) {
        return group.submitAll(batch);
    }

    /** Check-ins queued for the next write. */
    int waiting() {
        return group.waiting();
    }

    /** Stops taking check-ins; the queued ones are written first. */
    @Override
    public void close() {
        group.close();
    }
}
