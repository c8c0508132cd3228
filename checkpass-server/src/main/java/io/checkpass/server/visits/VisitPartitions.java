package io.checkpass.server.visits;

import io.checkpass.server.db.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daily partitions of the visit log ({@code checkin_pYYYYMMDD}, UTC days of scanned_at). Partitions are made
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
     * Makes sure a partition exists for every day in [from, to]. Days with no early rows in the default partition
     * (the usual case) are made together in one transaction; the others one by one, moving their rows in.
     */
    public void ensure(LocalDate from, LocalDate to) {
        List<LocalDate> existing = days();
        List<LocalDate> missing = new ArrayList<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            if (!existing.contains(day)) {
                missing.add(day);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        List<LocalDate> withEarlyRows = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (LocalDate day : missing) {
                    if (defaultHasRows(s, day)) {
                        withEarlyRows.add(day);
                    } else {
                        s.execute("create table " + name(day) + " partition of checkin for values from ('" + start(day)
                                + "') to ('" + start(day.plusDays(1)) + "')");
                    }
                }
                c.commit();
            } catch (SQLException e) {
                Transactions.rollbackAfter(c, e);
                withEarlyRows.clear();
                withEarlyRows.addAll(missing); // a concurrent maker: fall back to the careful path, day by day
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create visit partitions", e);
        }
        for (LocalDate day : withEarlyRows) {
            if (!days().contains(day)) {
                create(day);
            }
        }
    }

    private static boolean defaultHasRows(Statement s, LocalDate day) throws SQLException {
        try (ResultSet r = s.executeQuery("select exists (select 1 from checkin_default where scanned_at >= '"
                + start(day) + "' and scanned_at < '" + start(day.plusDays(1)) + "')")) {
            r.next();
            return r.getBoolean(1);
        }
    }

    private static String start(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().toString();
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
        String from = day.atStartOfDay(ZoneOffset.UTC).toInstant().toString();
        String to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("create table " + table + " (like checkin including defaults including constraints)");
                int moved = s.executeUpdate("with moved as (delete from checkin_default where scanned_at >= '" + from
                        + "' and scanned_at < '" + to + "' returning *) insert into " + table + " select * from moved");
                s.execute("alter table checkin attach partition " + table + " for values from ('" + from + "') to ('"
                        + to + "')");
                c.commit();
                if (moved > 0) {
                    log.info(
                            "visit partition {} created; {} early records moved in from the default partition",
                            table,
                            moved);
                }
            } catch (SQLException e) {
                Transactions.rollbackAfter(c, e);
                if (days().contains(day)) {
                    return; // another node made it first
                }
                throw e;
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
                    Statement s = c.createStatement()) {
                try (ResultSet r = s.executeQuery("select count(*) from " + name(day))) {
                    r.next();
                    rows += r.getLong(1);
                }
                s.execute("drop table " + name(day));
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop visit partition " + name(day), e);
            }
        }
        return rows;
    }
}
