package io.checkpass.server.visits;

import static io.checkpass.core.time.KoreaTime.KST;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What the operators' console draws for one day (KST): check-ins per minute, the verdict and channel mix, and
 * upload lag ({@code received_at − scanned_at}, how long check-ins waited in scanner queues). Computed in SQL over
 * the day's partition; a national day (18.7 M check-ins) is a full scan of it, seconds, fine for a console that
 * refreshes every half minute.
 */
public final class CheckInStats {
    private static final String LAG = "extract(epoch from received_at - scanned_at)";

    private final DataSource db;

    public CheckInStats(DataSource db) {
        this.db = db;
    }

    /** One minute: its start, its check-ins, and the median and 95th percentile of their upload lag in seconds. */
    public record Minute(Instant start, long count, double lagP50, double lagP95) {}

    /** Lag percentiles over the day, in seconds. */
    public record Lag(double p50, double p90, double p99, double max) {}

    public record Day(
            LocalDate day,
            Instant from,
            Instant to,
            long total,
            List<Minute> minutes,
            Map<String, Long> verdicts,
            Map<String, Long> channels,
            Lag lag) {}

    public Day day(LocalDate day) {
        Instant from = day.atStartOfDay(KST).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(KST).toInstant();
        try (Connection c = db.getConnection()) {
            List<Minute> minutes = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "select to_timestamp(floor(extract(epoch from scanned_at) / 60) * 60) m, count(*),"
                            + " percentile_cont(0.5) within group (order by " + LAG
                            + "), percentile_cont(0.95) within group (order by " + LAG + ")"
                            + " from checkin where scanned_at >= ? and scanned_at < ? group by 1 order by 1")) {
                bind(s, from, to);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        minutes.add(new Minute(
                                r.getTimestamp(1).toInstant(), r.getLong(2), r.getDouble(3), r.getDouble(4)));
                    }
                }
            }
            Map<String, Long> verdicts = new LinkedHashMap<>();
            Map<String, Long> channels = new LinkedHashMap<>();
            try (PreparedStatement s =
                    c.prepareStatement("select coalesce(verdict, 'NONE'), channel, count(*) from checkin"
                            + " where scanned_at >= ? and scanned_at < ? group by 1, 2 order by 1, 2")) {
                bind(s, from, to);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        verdicts.merge(r.getString(1), r.getLong(3), Long::sum);
                        channels.merge(r.getString(2), r.getLong(3), Long::sum);
                    }
                }
            }
            Lag lag = new Lag(0, 0, 0, 0);
            long total = 0;
            try (PreparedStatement s =
                    c.prepareStatement("select count(*), percentile_cont(array[0.5, 0.9, 0.99]) within group (order by "
                            + LAG + "), max(" + LAG + ") from checkin where scanned_at >= ? and scanned_at < ?")) {
                bind(s, from, to);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    total = r.getLong(1);
                    Array percentiles = r.getArray(2);
                    if (total > 0 && percentiles != null) {
                        Double[] p = (Double[]) percentiles.getArray();
                        lag = new Lag(p[0], p[1], p[2], r.getDouble(3));
                    }
                }
            }
            return new Day(day, from, to, total, minutes, verdicts, channels, lag);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot compute check-in statistics for " + day, e);
        }
    }

    private static void bind(PreparedStatement s, Instant from, Instant to) throws SQLException {
        s.setTimestamp(1, Timestamp.from(from));
        s.setTimestamp(2, Timestamp.from(to));
    }
}
