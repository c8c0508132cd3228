package io.checkpass.server.compliance;

import io.checkpass.core.rules.VenueRuleSet;
import io.checkpass.core.rules.VenueRules;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.time.KoreaTime;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The door log read back: per venue and period, what the door checked and what an inspector should look at
 * (docs/compliance.md, docs/adr/0019). Everything is computed from what the door already sends — each check-in's
 * channel, verdict, venue type and rule set, and when it was scanned versus when it reached the centre — and from the
 * centre's own degraded intervals ({@link CentreHealth}).
 *
 * <p>The SQL is set-based: one pass over the period's check-ins aggregates them per venue and hour, and every count
 * and finding is derived from that rollup; a second pass reads only the check-ins that reached the centre late
 * (scanner offline periods). The same statements serve one venue (through the {@code (venue_id, scanned_at)} index)
 * and every venue of a day ({@link #summariseAll}).
 */
public final class ComplianceService {
    /** The visit log keeps 28 days; a longer period would only read nothing. */
    public static final Duration MAX_PERIOD = Duration.ofDays(31);
    /**
     * A check-in that reached the centre this long after its scan waited on a scanner that could not upload: the page
     * uploads every 2 s and backs off to at most 30 s between tries, so five minutes is well past any normal delay.
     */
    public static final Duration OFFLINE_AFTER = Duration.ofMinutes(5);
    /** A route's summary of one venue uses the {@code (venue_id, scanned_at)} index: milliseconds, bounded. */
    public static final Duration ONE_VENUE_TIMEOUT = Duration.ofSeconds(30);
    /** Every venue of a day reads the day's whole partition (docs/PERFORMANCE.md). */
    public static final Duration ALL_VENUES_TIMEOUT = Duration.ofMinutes(10);
    /** Memory for the all-venues rollup's hash tables, per sort or hash (session-local, this statement only). */
    static final String ALL_VENUES_WORK_MEM = "256MB";

    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(KoreaTime.KST);

    private final DataSource db;
    private final Supplier<VenueRules> rules;
    private final Duration offlineAfter;

    /**
     * @param db               the visits pool
     * @param rules            the venue rules in force on this node: an hour without scans matters only where a pass
     *                         was required then
     * @param offlineAfter     a check-in that reached the centre this long after its scan was queued on a scanner that
     *                         could not upload ({@link #OFFLINE_AFTER})
     */
    public ComplianceService(DataSource db, Supplier<VenueRules> rules, Duration offlineAfter) {
        this.db = db;
        this.rules = rules;
        this.offlineAfter = offlineAfter;
    }

    /** The door summary for one venue over [from, to). Empty if the venue does not exist. */
    public Optional<VenueCompliance> summarise(String venueId, Instant from, Instant to) {
        checkPeriod(from, to);
        List<VenueCompliance> one = run(Optional.of(venueId), from, to, ONE_VENUE_TIMEOUT);
        return one.isEmpty() ? Optional.empty() : Optional.of(one.getFirst());
    }

    /** The door summary of every venue over [from, to), in venue id order: the district office's day. */
    public List<VenueCompliance> summariseAll(Instant from, Instant to) {
        checkPeriod(from, to);
        return run(Optional.empty(), from, to, ALL_VENUES_TIMEOUT);
    }

    /** True if the centre recorded itself degraded at any time in [from, to). */
    public boolean centreDegradedDuring(Instant from, Instant to) {
        return !degradedIntervals(from, to).isEmpty();
    }

    /** The centre's degraded intervals that touch [from, to), oldest first; an open one ends now. */
    public List<DegradedInterval> degradedIntervals(Instant from, Instant to) {
        try (Connection c = db.getConnection()) {
            return degradedIntervals(c, from, to);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the centre's degraded intervals: " + e.getMessage(), e);
        }
    }

    /** One recorded interval of the centre's own degradation. */
    public record DegradedInterval(
            String node, String cause, Instant startedAt, Instant endedAt, long events, String detail) {
        boolean overlaps(Instant start, Instant end) {
            return !startedAt.isAfter(end) && !endedAt.isBefore(start);
        }

        String describe() {
            return cause + " " + HOUR.format(startedAt) + "–" + HOUR.format(endedAt) + " KST";
        }
    }

    private static void checkPeriod(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        if (Duration.between(from, to).compareTo(MAX_PERIOD) > 0) {
            throw new IllegalArgumentException("a summary covers at most " + MAX_PERIOD.toDays() + " days");
        }
    }

    // -------------------------------------------------------------------------------------------------------------

    /** The counts each rollup row carries, in column order: the keys of {@code checksByChannelAndVerdict}. */
    private static final List<String> COUNT_KEYS =
            List.of("QR:ADMIT", "QR:ADMIT_LIMITED", "QR:CHECK_ID", "QR:DENY", "QR:", "CALL:", "MANUAL:");

    /**
     * One pass, three pipelined aggregations, one row per venue: the period's check-ins per venue, hour and applied
     * venue type (one type per venue and hour but at a door that changes its setting) with a count per channel and
     * verdict; then per venue and hour, joined to the registered type only now (a few million groups, not every
     * check-in); then per venue, with the counts, the hours that matter — no scans but calls
     * or manual entries, or the centre degraded — as {@code epochSecond:scans:others:degraded}, and the other types
     * as {@code epochSecond=type:checks}. Each level reads the one before once (a CTE used once is inlined, never
     * materialised), so the day's partition is read once and nothing is kept but the groups. Hours are UTC hours,
     * which are KST hours too (+09:00).
     */
    private static final String ROLLUP = """
            with hourly as (
                select c.venue_id, date_trunc('hour', c.scanned_at) as hour, c.venue_type as applied_type,
                       count(*) filter (where c.channel = 'QR' and c.verdict = 'ADMIT') as qr_admit,
                       count(*) filter (where c.channel = 'QR' and c.verdict = 'ADMIT_LIMITED') as qr_limited,
                       count(*) filter (where c.channel = 'QR' and c.verdict = 'CHECK_ID') as qr_check_id,
                       count(*) filter (where c.channel = 'QR' and c.verdict = 'DENY') as qr_deny,
                       count(*) filter (where c.channel = 'QR' and c.verdict is null) as qr_none,
                       count(*) filter (where c.channel = 'CALL') as calls,
                       count(*) filter (where c.channel = 'MANUAL') as manual,
                       count(*) as checks
                from checkin c
                where c.scanned_at >= ? and c.scanned_at < ? %s
                group by 1, 2, 3
            ),
            hours as (
                select h.venue_id, h.hour,
                       sum(qr_admit) as qr_admit, sum(qr_limited) as qr_limited, sum(qr_check_id) as qr_check_id,
                       sum(qr_deny) as qr_deny, sum(qr_none) as qr_none, sum(calls) as calls, sum(manual) as manual,
                       sum(qr_admit + qr_limited + qr_check_id + qr_deny + qr_none) as scans,
                       sum(calls + manual) as others,
                       string_agg(h.applied_type || ':' || h.checks, ',')
                           filter (where h.applied_type <> v.venue_type) as wrong,
                       (?::boolean and exists (select 1 from unnest(?::timestamptz[], ?::timestamptz[]) as d(s, e)
                                               where d.s < h.hour + interval '1 hour' and d.e >= h.hour)) as degraded
                from hourly h join venue v on v.venue_id = h.venue_id
                group by h.venue_id, h.hour
            )
            select venue_id, sum(qr_admit), sum(qr_limited), sum(qr_check_id), sum(qr_deny), sum(qr_none), sum(calls),
                   sum(manual),
                   string_agg(extract(epoch from hour)::bigint || ':' || scans || ':' || others || ':' || degraded::int,
                              ',') filter (where (scans = 0 and others > 0) or degraded),
                   string_agg(extract(epoch from hour)::bigint || '=' || wrong, ';') filter (where wrong is not null)
            from hours
            group by venue_id
            """;

    /**
     * The check-ins that reached the centre late, merged per scanner into offline periods: a late check-in means the
     * scanner held it from its scan until its upload, so the scanner could not reach the centre over [scan, upload).
     * Overlapping spans merge (a running maximum of the upload times, then a new group where a scan comes after it).
     */
    private static final String OFFLINE = """
            with late as (
                select venue_id, scanner_id, scanned_at as s, received_at as r
                from checkin c
                where scanned_at >= ? and scanned_at < ? %s
                  and scanner_id is not null and received_at > scanned_at + ?::interval
            ),
            ordered as (
                select *, max(r) over (partition by venue_id, scanner_id order by s, r
                                       rows between unbounded preceding and 1 preceding) as reach
                from late
            ),
            grouped as (
                select *, count(*) filter (where reach is null or s > reach)
                              over (partition by venue_id, scanner_id order by s, r) as period
                from ordered
            )
            select venue_id, scanner_id, min(s), max(r), count(*), extract(epoch from max(r - s))::bigint
            from grouped group by venue_id, scanner_id, period
            order by venue_id, scanner_id, min(s)
            """;

    private List<VenueCompliance> run(Optional<String> venue, Instant from, Instant to, Duration statementTimeout) {
        String venueFilter = venue.isPresent() ? "and c.venue_id = ?" : "";
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("set local statement_timeout = " + statementTimeout.toMillis());
                    if (venue.isEmpty()) {
                        // Every venue of a day: the groups (venues × open hours, a few million) fit in memory
                        // instead of spilling to disk (docs/PERFORMANCE.md, "Compliance summary of a day").
                        s.execute("set local work_mem = '" + ALL_VENUES_WORK_MEM + "'");
                    }
                }
                Map<String, Builder> venues = registered(c, venue);
                if (venues.isEmpty()) {
                    c.commit();
                    return List.of();
                }
                List<DegradedInterval> degraded = degradedIntervals(c, from, to);
                rollup(c, venue, venueFilter, from, to, degraded, venues);
                offline(c, venue, venueFilter, from, to, venues);
                c.commit();
                VenueRules rulesNow = rules.get();
                List<VenueCompliance> out = new ArrayList<>(venues.size());
                for (Builder b : venues.values()) {
                    out.add(b.build(from, to, degraded, rulesNow));
                }
                return out;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot summarise the door log: " + e.getMessage(), e);
        }
    }

    private static Map<String, Builder> registered(Connection c, Optional<String> venue) throws SQLException {
        Map<String, Builder> out = new LinkedHashMap<>();
        String sql = "select venue_id, venue_type from venue" + (venue.isPresent() ? " where venue_id = ?" : "")
                + " order by venue_id";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (venue.isPresent()) {
                s.setString(1, venue.get());
            }
            s.setFetchSize(10_000);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(r.getString(1), new Builder(r.getString(1), r.getString(2)));
                }
            }
        }
        return out;
    }

    private static void rollup(
            Connection c,
            Optional<String> venue,
            String venueFilter,
            Instant from,
            Instant to,
            List<DegradedInterval> degraded,
            Map<String, Builder> venues)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(ROLLUP.formatted(venueFilter))) {
            int i = bindPeriod(s, venue, from, to);
            s.setBoolean(i++, !degraded.isEmpty());
            Array starts = c.createArrayOf(
                    "timestamptz",
                    degraded.stream().map(d -> Timestamp.from(d.startedAt())).toArray(Timestamp[]::new));
            Array ends = c.createArrayOf(
                    "timestamptz",
                    degraded.stream().map(d -> Timestamp.from(d.endedAt())).toArray(Timestamp[]::new));
            s.setArray(i++, starts);
            s.setArray(i, ends);
            // No fetch size: PostgreSQL runs a statement fetched in parts without parallel workers, and the answer is
            // one row per venue (about 100 bytes each), read whole.
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Builder b = venues.get(r.getString(1));
                    if (b == null) {
                        continue; // check-ins of a venue deleted since (none today: venues are never deleted)
                    }
                    for (int k = 0; k < COUNT_KEYS.size(); k++) {
                        long n = r.getLong(2 + k);
                        if (n > 0) {
                            b.counts.merge(COUNT_KEYS.get(k), n, Long::sum);
                        }
                    }
                    String hours = r.getString(2 + COUNT_KEYS.size());
                    if (hours != null) {
                        for (String hour : hours.split(",")) {
                            String[] f = hour.split(":");
                            Instant at = Instant.ofEpochSecond(Long.parseLong(f[0]));
                            long scans = Long.parseLong(f[1]);
                            long others = Long.parseLong(f[2]);
                            boolean degradedHour = f[3].equals("1");
                            if (scans == 0 && others > 0) {
                                b.noScanHours.put(at, new HourNoScans(others, degradedHour));
                            }
                            if (degradedHour) {
                                b.degradedHours.put(at, new long[] {scans, others});
                            }
                        }
                    }
                    String wrong = r.getString(3 + COUNT_KEYS.size());
                    if (wrong != null) {
                        for (String hour : wrong.split(";")) {
                            Instant at = Instant.ofEpochSecond(Long.parseLong(hour.substring(0, hour.indexOf('='))));
                            for (String typed :
                                    hour.substring(hour.indexOf('=') + 1).split(",")) {
                                String type = typed.substring(0, typed.indexOf(':'));
                                long checks = Long.parseLong(typed.substring(typed.indexOf(':') + 1));
                                b.wrongTypes.merge(
                                        type,
                                        new WrongType(checks, at),
                                        (x, y) -> new WrongType(
                                                x.checks() + y.checks(),
                                                x.firstHour().isBefore(y.firstHour()) ? x.firstHour() : y.firstHour()));
                            }
                        }
                    }
                }
            }
        }
    }

    private void offline(
            Connection c,
            Optional<String> venue,
            String venueFilter,
            Instant from,
            Instant to,
            Map<String, Builder> venues)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(OFFLINE.formatted(venueFilter))) {
            int i = bindPeriod(s, venue, from, to);
            s.setString(i, offlineAfter.toSeconds() + " seconds");
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Builder b = venues.get(r.getString(1));
                    if (b != null) {
                        b.offline.add(new OfflinePeriod(
                                r.getString(2),
                                r.getTimestamp(3).toInstant(),
                                r.getTimestamp(4).toInstant(),
                                r.getLong(5),
                                r.getLong(6)));
                    }
                }
            }
        }
    }

    /** Binds the period (and the venue, for one venue's summary); returns the next parameter's index. */
    private static int bindPeriod(PreparedStatement s, Optional<String> venue, Instant from, Instant to)
            throws SQLException {
        s.setTimestamp(1, Timestamp.from(from));
        s.setTimestamp(2, Timestamp.from(to));
        if (venue.isPresent()) {
            s.setString(3, venue.get());
            return 4;
        }
        return 3;
    }

    private static List<DegradedInterval> degradedIntervals(Connection c, Instant from, Instant to)
            throws SQLException {
        List<DegradedInterval> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                select node, cause, started_at, coalesce(ended_at, greatest(started_at, now())), events, detail
                from centre_degraded
                where started_at < ? and (ended_at is null or ended_at >= ?)
                order by started_at, id""")) {
            s.setTimestamp(1, Timestamp.from(to));
            s.setTimestamp(2, Timestamp.from(from));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new DegradedInterval(
                            r.getString(1),
                            r.getString(2),
                            r.getTimestamp(3).toInstant(),
                            r.getTimestamp(4).toInstant(),
                            r.getLong(5),
                            r.getString(6)));
                }
            }
        }
        return out;
    }

    // -------------------------------------------------------------------------------------------------------------

    private record HourNoScans(long callsAndManual, boolean centreDegraded) {}

    private record WrongType(long checks, Instant firstHour) {}

    private record OfflinePeriod(String scannerId, Instant from, Instant until, long checks, long longestSeconds) {
        long longestMinutes() {
            return longestSeconds / 60;
        }
    }

    /** One venue's rows, gathered as they stream in, then turned into findings. */
    private static final class Builder {
        final String venueId;
        final String registeredType;
        final Map<String, Long> counts = new TreeMap<>();
        final TreeMap<Instant, HourNoScans> noScanHours = new TreeMap<>();
        final TreeMap<Instant, long[]> degradedHours = new TreeMap<>();
        final Map<String, WrongType> wrongTypes = new TreeMap<>();
        final List<OfflinePeriod> offline = new ArrayList<>();

        Builder(String venueId, String registeredType) {
            this.venueId = venueId;
            this.registeredType = registeredType;
        }

        VenueCompliance build(Instant from, Instant to, List<DegradedInterval> degraded, VenueRules rules) {
            List<Finding> findings = new ArrayList<>();
            VenueType type = new VenueType(registeredType);

            List<String> noScans = new ArrayList<>();
            List<String> excusedNoScans = new ArrayList<>();
            for (Map.Entry<Instant, HourNoScans> h : noScanHours.entrySet()) {
                // An hour whose rules needed no pass here needed no scan; one in which the centre was degraded is
                // the centre's to answer for (CENTRE_DEGRADED, below).
                if (passRequired(rules, type, h.getKey())) {
                    String hour = HOUR.format(h.getKey()) + " (" + h.getValue().callsAndManual() + ")";
                    (h.getValue().centreDegraded() ? excusedNoScans : noScans).add(hour);
                }
            }
            if (!noScans.isEmpty()) {
                findings.add(new Finding(
                        Finding.NO_SCANS_WHILE_OPEN,
                        noScans.size() + " hour(s) with 안심콜 calls or manual entries but no QR scans, KST (calls and"
                                + " entries): " + String.join(", ", noScans)));
            }
            for (Map.Entry<String, WrongType> w : wrongTypes.entrySet()) {
                findings.add(new Finding(
                        Finding.WRONG_VENUE_TYPE,
                        w.getValue().checks() + " check(s) judged as '" + w.getKey() + "', registered as '"
                                + registeredType + "', first in the hour of "
                                + HOUR.format(w.getValue().firstHour())
                                + " KST"));
            }
            List<String> excusedOffline = new ArrayList<>();
            for (OfflinePeriod p : offline) {
                String what = p.scannerId() + " held " + p.checks() + " check(s) from " + HOUR.format(p.from()) + " to "
                        + HOUR.format(p.until()) + " KST (longest " + p.longestMinutes() + " min)";
                if (degraded.stream().anyMatch(d -> d.overlaps(p.from(), p.until()))) {
                    excusedOffline.add(what);
                } else {
                    findings.add(new Finding(Finding.SCANNER_OFFLINE, what));
                }
            }
            // The centre's degradation is a finding where it explains what would otherwise be one: hours without
            // scans, or a scanner that held its check-ins because it could not reach the centre.
            if (!excusedNoScans.isEmpty() || !excusedOffline.isEmpty()) {
                List<String> evidence = new ArrayList<>();
                if (!excusedNoScans.isEmpty()) {
                    evidence.add("hour(s) with calls or manual entries but no QR scans, KST: "
                            + String.join(", ", excusedNoScans));
                }
                evidence.addAll(excusedOffline);
                for (Map.Entry<Instant, long[]> h : degradedHours.entrySet()) {
                    evidence.add("in the hour of " + HOUR.format(h.getKey()) + " KST: " + h.getValue()[0] + " scan(s), "
                            + h.getValue()[1] + " call(s) or manual entries");
                }
                List<String> when = degraded.stream()
                        .filter(d -> d.overlaps(from, to))
                        .map(DegradedInterval::describe)
                        .distinct()
                        .toList();
                findings.add(new Finding(
                        Finding.CENTRE_DEGRADED,
                        "the centre was degraded (" + String.join("; ", when) + ") while this door was in use: "
                                + String.join("; ", evidence)));
            }
            long denials = counts.entrySet().stream()
                    .filter(e -> e.getKey().endsWith(":DENY"))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
            return new VenueCompliance(
                    venueId, registeredType, from, to, counts, denials, findings, !degraded.isEmpty());
        }

        private static boolean passRequired(VenueRules rules, VenueType type, Instant hour) {
            // Required at any moment of the hour: the start, or a set that took force within it.
            return required(rules.inForceAt(hour), type)
                    || rules.ruleSets().stream()
                            .filter(s -> s.effectiveFrom().isAfter(hour)
                                    && s.effectiveFrom().isBefore(hour.plus(Duration.ofHours(1))))
                            .anyMatch(s -> s.passRequired().contains(type));
        }

        private static boolean required(Optional<VenueRuleSet> set, VenueType type) {
            return set.isPresent() && set.get().passRequired().contains(type);
        }
    }
}
