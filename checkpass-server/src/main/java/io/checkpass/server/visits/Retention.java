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
 * revocations and fraud signals older than the cutoff go too. The audit log records what was purged — counts,
 * never content.
 */
public final class Retention {
    private final DataSource db;
    private final VisitPartitions partitions;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration keep;

    public Retention(DataSource db, VisitPartitions partitions, AuditLog audit, Clock clock, Duration keep) {
        this.db = db;
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
        visits += delete("delete from checkin where scanned_at < ?", cutoff);
        long ledger = delete("delete from issuance where issued_at < ?", cutoff);
        long revocations = delete("delete from revocation where expires_at < ?", cutoff);
        long fraud = delete("delete from fraud_signal where second_at < ?", cutoff);
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

    private long delete(String sql, Instant cutoff) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setTimestamp(1, Timestamp.from(cutoff));
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("purge failed on: " + sql, e);
        }
    }
}
