package io.checkpass.server.visits;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daily partitions of the visit log ({@code visits.checkin_pYYYYMMDD}, UTC days of scanned_at). Partitions are made
 * ahead of need; a row whose day had none landed in the default partition and is moved into the new partition
 * when it is made, so attaching never fails and no record is lost.
 */
public final class VisitPartitions {
    private static final Logger log = LoggerFactory.getLogger(VisitPartitions.class);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd");

    private final DataSource db;

    public VisitPartitions(DataSource db) {
        this.db = db;
    }

    public static String name(LocalDate day) {
        return "checkin_p" + NAME.format(day);
    }

    /**
     * Makes sure a partition exists for every day in [from, to]. The visits role owns no table, so the partitions are
     * made by {@code visits.create_checkin_partition} (migration V9), which runs as the owner and moves in the rows
     * of its day that landed in the default partition.
     */
    public void ensure(LocalDate from, LocalDate to) {
        List<LocalDate> existing = days();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            if (!existing.contains(day)) {
                create(day);
            }
        }
    }

    /** The days that have a partition, oldest first. */
    public List<LocalDate> days() {
        List<LocalDate> days = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        select child.relname from pg_inherits
                        join pg_class parent on parent.oid = pg_inherits.inhparent
                        join pg_class child on child.oid = pg_inherits.inhrelid
                        where parent.relname = 'checkin' and child.relname like 'checkin_p%' order by 1""");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                days.add(LocalDate.parse(r.getString(1).substring("checkin_p".length()), NAME));
            }
            return days;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list visit partitions", e);
        }
    }

    private void create(LocalDate day) {
        String table = name(day);
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("select visits.create_checkin_partition(?)")) {
            s.setObject(1, day);
            long moved;
            try {
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    moved = r.getLong(1);
                }
            } catch (SQLException e) {
                if (days().contains(day)) {
                    return; // another node made it first
                }
                throw e;
            }
            if (moved > 0) {
                log.info(
                        "visit partition {} created; {} early records moved in from the default partition",
                        table,
                        moved);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create visit partition " + table + ": " + e.getMessage(), e);
        }
    }

    /** Drops the partitions of days before {@code cutoff}; returns how many rows went with them. */
    public long dropBefore(LocalDate cutoff) {
        long rows = 0;
        for (LocalDate day : days()) {
            if (!day.isBefore(cutoff)) {
                continue;
            }
            try (Connection c = db.getConnection();
                    PreparedStatement s = c.prepareStatement("select visits.drop_checkin_partition(?)")) {
                s.setObject(1, day);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    rows += Math.max(0, r.getLong(1));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop visit partition " + name(day), e);
            }
        }
        return rows;
    }
}
