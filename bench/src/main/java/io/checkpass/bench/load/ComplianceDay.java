package io.checkpass.bench.load;

import io.checkpass.core.time.KoreaTime;
import io.checkpass.server.compliance.ComplianceService;
import io.checkpass.server.compliance.Finding;
import io.checkpass.server.compliance.VenueCompliance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The compliance summary of a whole day (issue 16: "for a day of 18.7M check-ins, within a minute"). Bulk-loads a
 * day's check-ins with COPY into that day's partition — a standalone table, loaded without indexes, then attached,
 * which builds the partition's indexes in one pass each, as PostgreSQL does for any attached partition — and the
 * venues with COPY, then times {@link ComplianceService#summariseAll} over the KST day, and one venue's summary.
 *
 * <p>The day is shaped like a busy one: venues open 10:00–22:00 KST; 90% QR checks (of those 2% DENY, 2% CHECK_ID,
 * 3% ADMIT_LIMITED), 7% 안심콜 calls, 3% manual entries; each check reaches the centre 2 s after its scan, except at
 * 1% of venues, whose scanner lost its network for 90 minutes and uploaded its queue after; 0.5% of venues judge
 * under the wrong venue type, and 0.5% never scan (calls and manual entries only).
 */
@Command(
        name = "compliance-day",
        mixinStandardHelpOptions = true,
        description = "Load a day of check-ins with COPY and time the compliance summary of every venue.")
final class ComplianceDay implements Callable<Integer> {
    private static final HexFormat HEX = HexFormat.of();
    private static final DateTimeFormatter PARTITION = DateTimeFormatter.ofPattern("yyyyMMdd");

    @Option(
            names = "--checkins",
            defaultValue = "18700000",
            description = "Check-ins in the day (default ${DEFAULT-VALUE}).")
    long checkins;

    @Option(names = "--venues", defaultValue = "200000", description = "Venues (default ${DEFAULT-VALUE}).")
    int venueCount;

    @Option(names = "--runs", defaultValue = "3", description = "Timed summaries (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(
            names = "--explain",
            description = "Print the plan of the rollup's first level, the pass over the day (EXPLAIN ANALYZE).")
    boolean explain;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Keep the centre's data here (default a new temporary directory); a day already loaded"
                    + " there is measured again without loading it.")
    java.nio.file.Path data;

    @Override
    public Integer call() throws Exception {
        // 14 December 2021, under the rules of 13 December (a pass required at every venue type loaded here), so that
        // the hours without scans are findings; the retention is widened so the centre's hourly purge keeps the day.
        Map<String, String> config = new java.util.HashMap<>(Map.of("visits.retention-days", "3650"));
        if (data != null) {
            config.put("data.dir", data.toString());
        }
        try (InProcessCentre centre = new InProcessCentre(config)) {
            DataSource owner = centre.server.centre().database().dataSource();
            // The KST day's 10:00–22:00 (KST 09:00 is 00:00 UTC) lies within this one UTC day's partition.
            LocalDate day = LocalDate.of(2021, 12, 14);
            Instant from = day.atStartOfDay(KoreaTime.KST).toInstant();
            Instant to = from.plus(Duration.ofDays(1));
            String partition = "checkin_p" + day.format(PARTITION);

            if (loaded(owner, partition)) {
                System.out.printf("reusing the day loaded in %s (visits.%s)%n", data, partition);
            } else {
                load(owner, partition, day);
            }
            System.out.printf("partition size: %s%n", size(owner, partition));
            measure(centre, owner, from, to);
        }
        return 0;
    }

    private static boolean loaded(DataSource owner, String partition) throws SQLException {
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select exists (select 1 from pg_inherits i join pg_class p on"
                        + " p.oid = i.inhrelid where p.relname = '" + partition + "')")) {
            r.next();
            return r.getBoolean(1);
        }
    }

    private void load(DataSource owner, String partition, LocalDate day) throws SQLException, IOException {
        long started = System.nanoTime();
        loadVenues(owner);
        System.out.printf("venues: %,d COPYed in %.1f s%n", venueCount, seconds(started));

        started = System.nanoTime();
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute("drop table if exists visits." + partition);
            s.execute("create table visits." + partition
                    + " (like visits.checkin including defaults including constraints)");
        }
        long[] shape = loadCheckIns(owner, partition, day);
        System.out.printf(
                "check-ins: %,d COPYed into visits.%s in %.1f s (%,d at venues that never scan, %,d held by"
                        + " offline scanners, %,d under a wrong venue type)%n",
                checkins, partition, seconds(started), shape[0], shape[1], shape[2]);

        started = System.nanoTime();
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute("set maintenance_work_mem = '512MB'");
            s.execute("alter table visits.checkin attach partition visits." + partition + " for values from ('"
                    + day.atStartOfDay(ZoneOffset.UTC).toInstant() + "') to ('"
                    + day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant() + "')");
            s.execute("analyze visits." + partition);
            s.execute("analyze visits.venue");
        }
        System.out.printf("attached, indexes built and analysed in %.1f s%n", seconds(started));
    }

    private void measure(InProcessCentre centre, DataSource owner, Instant from, Instant to) throws SQLException {
        long started;
        ComplianceService compliance = centre.server.centre().compliance();
        List<Double> times = new ArrayList<>();
        List<VenueCompliance> all = List.of();
        List<Double> cpu = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            double cpuBefore = databaseCpuSeconds(owner) + jvmCpuSeconds();
            started = System.nanoTime();
            all = compliance.summariseAll(from, to);
            double took = seconds(started);
            double cpuUsed = databaseCpuSeconds(owner) + jvmCpuSeconds() - cpuBefore;
            times.add(took);
            cpu.add(cpuUsed);
            System.out.printf(
                    "run %d: summary of %,d venues over %s..%s in %.1f s wall, %.1f s CPU (database and this JVM),"
                            + " load average %s%n",
                    run, all.size(), from, to, took, cpuUsed, loadAverage());
        }
        Map<String, Integer> flagged = new TreeMap<>();
        long counted = 0;
        for (VenueCompliance v : all) {
            counted += v.checksByChannelAndVerdict().values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            v.findings().stream().map(Finding::code).distinct().forEach(code -> flagged.merge(code, 1, Integer::sum));
        }
        System.out.printf("check-ins counted: %,d; venues flagged per finding: %s%n", counted, flagged);
        List<Double> sorted = times.stream().sorted().toList();
        System.out.printf(
                "all venues: median %.1f s of %d runs (min %.1f, max %.1f); CPU median %.1f s%n",
                sorted.get(sorted.size() / 2),
                runs,
                sorted.getFirst(),
                sorted.getLast(),
                cpu.stream().sorted().toList().get(runs / 2));

        List<Double> one = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            started = System.nanoTime();
            compliance.summarise(venueId(i * 7919 % venueCount), from, to).orElseThrow();
            one.add(seconds(started) * 1000);
        }
        System.out.printf(
                "one venue: %s ms%n", one.stream().map("%.1f"::formatted).toList());
        if (explain) {
            explain(owner, from, to);
        }
    }

    /**
     * CPU seconds used so far by the database's processes (the postmaster's children, from /proc): on a shared
     * machine the wall time says how busy the others were, the CPU time what the summary cost.
     */
    private static double databaseCpuSeconds(DataSource owner) throws SQLException {
        long backend;
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select pg_backend_pid()")) {
            r.next();
            backend = r.getLong(1);
        }
        var postmaster = ProcessHandle.of(backend).flatMap(ProcessHandle::parent);
        if (postmaster.isEmpty()) {
            return 0;
        }
        // Parallel workers end with their query: their time is in the postmaster's cutime and cstime by then.
        long ticks = procTicks(postmaster.get().pid(), 13)
                + procTicks(postmaster.get().pid(), 14);
        for (ProcessHandle child : postmaster.get().children().toList()) {
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + child.pid() + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
            } catch (IOException | RuntimeException e) {
                // a process that ended meanwhile
            }
        }
        return ticks / 100.0; // USER_HZ
    }

    /** One field of /proc/PID/stat, counted from the field after the command's closing parenthesis. */
    private static long procTicks(long pid, int field) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[field]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static double jvmCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean)
                                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    static String venueId(int v) {
        return "venue-%06d".formatted(v);
    }

    /** Every venue a restaurant or café but one in five, a karaoke room, a gym or a PC café. */
    static String registeredType(int v) {
        return switch (v % 5) {
            case 1 -> "karaoke";
            case 2 -> "indoor_sports";
            case 3 -> "pc_cafe";
            default -> "restaurant_cafe";
        };
    }

    private void loadVenues(DataSource owner) throws SQLException {
        StringBuilder rows = new StringBuilder(venueCount * 80);
        for (int v = 0; v < venueCount; v++) {
            rows.append(venueId(v))
                    .append("\t000-00-00000\t")
                    .append(venueId(v))
                    .append("\t서울\t서울\t")
                    .append(registeredType(v))
                    .append('\n');
        }
        try (Connection c = owner.getConnection()) {
            CopyIn copy = c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("copy visits.venue (venue_id, business_number, name, address, region, venue_type)"
                            + " from stdin");
            byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            copy.endCopy();
        }
    }

    /** Streams the day's rows into the standalone partition table; returns counts of the shaped behaviours. */
    private long[] loadCheckIns(DataSource owner, String partition, LocalDate day) throws SQLException, IOException {
        SplittableRandom random = new SplittableRandom(16);
        Instant opens = day.atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofHours(1)); // 10:00 KST
        long openMillis = Duration.ofHours(12).toMillis();
        long[] shape = new long[3];
        byte[] serial = new byte[12];
        byte[] hmac = new byte[32];
        byte[] sealed = new byte[60];
        try (Connection c = owner.getConnection()) {
            CopyIn copy = c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("copy visits." + partition + " (checkin_id, scanned_at, received_at, venue_id, scanner_id,"
                            + " channel, serial, pass_format, pass_ref, contact_hmac, contact_enc, verdict, reason,"
                            + " check_method, venue_type, rule_set, bundle_version) from stdin");
            StringBuilder out = new StringBuilder(1 << 20);
            for (long i = 0; i < checkins; i++) {
                int v = (int) (i % venueCount);
                String venue = venueId(v);
                boolean neverScans = v % 200 == 7;
                boolean offline = v % 100 == 3;
                boolean wrongType = v % 200 == 11;
                Instant scanned = opens.plusMillis(random.nextLong(openMillis));
                Instant received = scanned.plusSeconds(2);
                if (offline) {
                    // The scanner lost its network 13:00–14:30 KST and uploaded its queue at 14:30.
                    Instant lost = opens.plus(Duration.ofHours(3));
                    Instant back = lost.plus(Duration.ofMinutes(90));
                    if (!scanned.isBefore(lost) && scanned.isBefore(back)) {
                        received = back;
                        shape[1]++;
                    }
                }
                double roll = random.nextDouble();
                String channel = neverScans
                        ? (roll < 0.7 ? "CALL" : "MANUAL")
                        : roll < 0.90 ? "QR" : roll < 0.97 ? "CALL" : "MANUAL";
                if (neverScans) {
                    shape[0]++;
                }
                out.append(new UUID(
                                (scanned.toEpochMilli() << 16) | 0x7000L | (i & 0xFFF),
                                0x8000_0000_0000_0000L | (random.nextLong() >>> 2)))
                        .append('\t')
                        .append(scanned)
                        .append('\t')
                        .append(received)
                        .append('\t')
                        .append(venue)
                        .append("\tscanner-")
                        .append(venue)
                        .append('\t')
                        .append(channel)
                        .append('\t');
                if (channel.equals("QR")) {
                    random.nextBytes(serial);
                    double verdict = random.nextDouble();
                    String[] vr = verdict < 0.02
                            ? new String[] {"DENY", "NOT_ACCEPTED_HERE"}
                            : verdict < 0.04
                                    ? new String[] {"CHECK_ID", "ID_CHECK_REQUIRED"}
                                    : verdict < 0.07
                                            ? new String[] {"ADMIT_LIMITED", "CONDITION_APPLIES"}
                                            : new String[] {"ADMIT", "VALID"};
                    String applied = wrongType ? "study_cafe" : registeredType(v);
                    if (wrongType) {
                        shape[2]++;
                    }
                    out.append("\\\\x")
                            .append(HEX.formatHex(serial))
                            .append("\tCP1\t\\N\t\\N\t\\N\t")
                            .append(vr[0])
                            .append('\t')
                            .append(vr[1])
                            .append("\t\\N\t")
                            .append(applied)
                            .append("\tKR-2021-12-18\t42\n");
                } else {
                    random.nextBytes(hmac);
                    random.nextBytes(sealed);
                    out.append("\\N\t\\N\t\\N\t\\\\x")
                            .append(HEX.formatHex(hmac))
                            .append("\t\\\\x")
                            .append(HEX.formatHex(sealed))
                            .append("\t\\N\t\\N\t")
                            .append(
                                    channel.equals("MANUAL")
                                            ? "verbal\t" + registeredType(v) + "\tKR-2021-12-18\t42"
                                            : "\\N\t\\N\t\\N\t\\N")
                            .append('\n');
                }
                if (out.length() > (1 << 20) - 512) {
                    byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
                    copy.writeToCopy(bytes, 0, bytes.length);
                    out.setLength(0);
                }
            }
            byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            copy.endCopy();
        }
        return shape;
    }

    private static String size(DataSource owner, String partition) throws SQLException {
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select pg_size_pretty(pg_relation_size('visits." + partition
                        + "')) || ' table, ' || pg_size_pretty(pg_indexes_size('visits." + partition
                        + "')) || ' indexes'")) {
            r.next();
            return r.getString(1);
        }
    }

    private static void explain(DataSource owner, Instant from, Instant to) throws SQLException {
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute("set search_path = visits, public");
            try (ResultSet r = s.executeQuery("explain (analyze, buffers) select c.venue_id,"
                    + " date_trunc('hour', c.scanned_at), c.venue_type, count(*) from checkin c where c.scanned_at >= '"
                    + from + "' and c.scanned_at < '" + to + "' group by 1, 2, 3")) {
                while (r.next()) {
                    System.out.println(r.getString(1));
                }
            }
        }
    }
}
