package io.checkpass.server.audit;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The append-only record of who did what: every operator write, every identity resolution in a trace, every
 * purge (counts, never content). The table refuses DELETE and TRUNCATE, and every UPDATE but the one
 * pseudonymisation of an old entry; a hash chain makes any other change visible ({@link #verifyChain}).
 */
public interface AuditLog {

    /** One entry. {@code detail} holds small JSON-able values. */
    record Entry(long id, Instant at, String actor, String action, String subject, Map<String, Object> detail) {}

    /** Records one entry in a transaction of its own. */
    void record(String actor, String action, String subject, Map<String, Object> detail);

    /**
     * Records one entry on the caller's connection, inside the caller's transaction: it commits or rolls back with
     * the change it records, so no change is without its entry and no entry is without its change.
     */
    void record(Connection c, String actor, String action, String subject, Map<String, Object> detail)
            throws SQLException;

    /** Entries in [from, to), newest first, at most {@code limit}. */
    default List<Entry> read(Instant from, Instant to, int limit) {
        return read(from, to, limit, Optional.empty());
    }

    /** Entries in [from, to) with this action if one is given, newest first, at most {@code limit}. */
    List<Entry> read(Instant from, Instant to, int limit, Optional<String> action);

    /** Walks the hash chain from its first entry and says whether every entry is as written and none is missing. */
    AuditChain.Check verifyChain();

    /**
     * Pseudonymises the identity details of entries older than {@code before}: the subject becomes
     * {@code pseudonym.apply(subject)}, and the details that tie a person to places, times or serials are replaced
     * by their counts. Each entry is changed once; the hash chain stays verifiable over its digests.
     *
     * @return how many entries were pseudonymised
     */
    int pseudonymiseBefore(Instant before, UnaryOperator<String> pseudonym);
}
