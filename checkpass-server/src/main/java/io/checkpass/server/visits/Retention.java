package io.checkpass.server.visits;

import io.checkpass.server.audit.AuditLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The 28-day purge (configurable): visit partitions whose whole day is older than the cutoff are dropped, the
 * rest of the boundary day and the default partition are deleted row by row, and ledger rows, expired
 * revocations and fraud signals older than the cutoff go too. Each side is purged with its own role's pool (the
 * visits role cannot touch the ledger, the identity role cannot touch check-ins; docs/adr/0016). The audit log
 * records what was purged — counts, never content.
 */
public final class Retention {
    private final DataSource identity;
    private final DataSource visits;
    private final VisitPartitions partitions;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration keep;

    /**
     * @param identity the identity role's pool: ledger rows and revocations
     * @param visits   the visits role's pool: check-ins and fraud signals
     */
    public Retention(
            DataSource identity,
            DataSource visits,
            VisitPartitions partitions,
            AuditLog audit,
            Clock clock,
            Duration keep) {
        this.identity = identity;
        this.visits = visits;
        this.partitions = partitions;
        this.audit = audit;
        this.clock = clock;
        this.keep = keep;
    }

    /** What a purge removed. */
    public record Purged(Instant cutoff, long visits, long ledgerRows, long revocations, long fraudSignals) {}

    /** Removes everything older than now − keep and keeps everything newer. */
    public Purged purge(String actor) {
        Instant cutoff = clock.instant().minus(keep);
        // Whole days strictly before the cutoff's day go by dropping their partitions.
        long visits = partitions.dropBefore(LocalDate.ofInstant(cutoff, ZoneOffset.UTC));
        visits += delete(this.visits, "delete from checkin where scanned_at < ?", cutoff);
        long ledger = delete(identity, "delete from issuance where issued_at < ?", cutoff);
        long revocations = delete(identity, "delete from revocation where expires_at < ?", cutoff);
        long fraud = delete(this.visits, "delete from fraud_signal where second_at < ?", cutoff);
        Purged purged = new Purged(cutoff, visits, ledger, revocations, fraud);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("cutoff", cutoff.toString());
        detail.put("visits", visits);
        detail.put("ledgerRows", ledger);
        detail.put("revocations", revocations);
        detail.put("fraudSignals", fraud);
        audit.record(actor, "purge", "retention:" + keep.toDays() + "d", detail);
        return purged;
    }

    private static long delete(DataSource db, String sql, Instant cutoff) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setTimestamp(1, Timestamp.from(cutoff));
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("purge failed on: " + sql, e);
        }
    }
}
