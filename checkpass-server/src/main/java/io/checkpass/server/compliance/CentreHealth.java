package io.checkpass.server.compliance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The centre's own degraded intervals, kept in {@code visits.centre_degraded} so that "was the centre degraded
 * between t1 and t2?" has an answer long after (docs/compliance.md, docs/adr/0019).
 *
 * <p>Requests only signal ({@link #signal}: a clock read and two memory writes, no I/O); a background tick writes the
 * transitions — an interval opens on the first signal of a cause and closes after {@code quiet} without one, ending at
 * the last signal. The tick also runs the readiness probe, so an unreachable database is seen whether or not anyone
 * polls {@code /health/ready}. What cannot be written while the database is away is kept and written when it
 * answers again, with its true start; a node that stops while degraded closes its open intervals at its next start
 * ({@code closed_by = 'restart'}) or at shutdown.
 */
public final class CentreHealth implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CentreHealth.class);

    /** Why the centre was degraded. */
    public enum Cause {
        /** Requests answered 503 at a route class's concurrency bound. */
        LOAD_SHEDDING("load-shedding"),
        /** Requests answered 503 because the database failed under them. */
        STORAGE_UNAVAILABLE("storage-unavailable"),
        /** The readiness probe failed: the database did not answer within a second. */
        NOT_READY("not-ready");

        private final String code;

        Cause(String code) {
            this.code = code;
        }

        /** The code stored in {@code centre_degraded.cause}. */
        public String code() {
            return code;
        }
    }

    /** How often the tick probes readiness and writes transitions. */
    public static final Duration TICK = Duration.ofSeconds(5);
    /** How long without a signal ends an interval: a shed now and one 20 s later are one episode. */
    public static final Duration QUIET = Duration.ofSeconds(30);

    /** This node's name for its intervals: the host and the configured HTTP port, the same after a restart. */
    public static String nodeName(int port) {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "localhost";
            }
        }
        return host + ":" + port;
    }

    /** One cause's current interval; the tick thread alone touches {@code rowId}. */
    private static final class Tracker {
        final AtomicLong events = new AtomicLong();
        volatile Instant first;
        volatile Instant last;
        volatile String detail = "";
        Long rowId;
    }

    private final DataSource db;
    private final Clock clock;
    private final String node;
    private final Duration quiet;
    private final Supplier<String> readinessProblem;
    private final Map<Cause, Tracker> trackers = new EnumMap<>(Cause.class);
    private ScheduledExecutorService ticker;

    /**
     * @param db               the visits pool
     * @param node             this node's name, stable across its restarts (e.g. host:port)
     * @param quiet            how long without a signal ends an interval
     * @param readinessProblem the readiness probe: null when ready, else why not
     */
    public CentreHealth(DataSource db, Clock clock, String node, Duration quiet, Supplier<String> readinessProblem) {
        this.db = db;
        this.clock = clock;
        this.node = node;
        this.quiet = quiet;
        this.readinessProblem = readinessProblem;
        for (Cause c : Cause.values()) {
            trackers.put(c, new Tracker());
        }
    }

    /** Closes what this node left open when it last stopped, then ticks every {@code period}. */
    public CentreHealth start(Duration period) {
        closeLeftOpen();
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "centre-health");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tickQuietly, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Records that the centre is degraded now, for {@code cause}. Cheap enough for every shed request. */
    public void signal(Cause cause, String detail) {
        Tracker t = trackers.get(cause);
        Instant now = clock.instant();
        t.last = now;
        t.events.incrementAndGet();
        if (t.first == null) {
            synchronized (t) {
                if (t.first == null) {
                    t.detail = detail.length() > 200 ? detail.substring(0, 200) : detail;
                    t.first = now;
                }
            }
        }
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("centre health tick failed: {}", e.getMessage());
        }
    }

    /** One round: probe readiness, then write what changed. Public for tests that pin the clock. */
    public void tick() {
        String problem = readinessProblem.get();
        if (problem != null) {
            signal(Cause.NOT_READY, problem);
        }
        Instant now = clock.instant();
        for (Map.Entry<Cause, Tracker> e : trackers.entrySet()) {
            Tracker t = e.getValue();
            if (t.first == null) {
                continue;
            }
            try {
                synchronized (t) {
                    if (!now.isBefore(t.last.plus(quiet))) {
                        write(e.getKey(), t, t.last, "recovered");
                        t.first = null;
                        t.rowId = null;
                        t.events.set(0);
                    } else {
                        write(e.getKey(), t, null, null);
                    }
                }
            } catch (SQLException failure) {
                // The database is away (which is likely why we are degraded): keep it, write it next tick.
                log.debug("cannot record centre degradation yet: {}", failure.getMessage());
            }
        }
    }

    /** Inserts the interval, or updates its count and (when it ends) its end. */
    private void write(Cause cause, Tracker t, Instant endedAt, String closedBy) throws SQLException {
        try (Connection c = db.getConnection()) {
            if (t.rowId == null) {
                try (PreparedStatement s = c.prepareStatement("""
                        insert into visits.centre_degraded (node, cause, started_at, ended_at, events, detail, closed_by)
                        values (?, ?, ?, ?, ?, ?, ?) returning id""")) {
                    s.setString(1, node);
                    s.setString(2, cause.code());
                    s.setTimestamp(3, Timestamp.from(t.first));
                    s.setTimestamp(4, endedAt == null ? null : Timestamp.from(endedAt));
                    s.setLong(5, t.events.get());
                    s.setString(6, t.detail);
                    s.setString(7, closedBy);
                    try (ResultSet r = s.executeQuery()) {
                        r.next();
                        t.rowId = r.getLong(1);
                    }
                }
            } else {
                try (PreparedStatement s = c.prepareStatement(
                        "update visits.centre_degraded set ended_at = ?, events = ?, closed_by = ? where id = ?")) {
                    s.setTimestamp(1, endedAt == null ? null : Timestamp.from(endedAt));
                    s.setLong(2, t.events.get());
                    s.setString(3, closedBy);
                    s.setLong(4, t.rowId);
                    s.executeUpdate();
                }
            }
        }
    }

    /** A node that stopped while degraded was degraded at least until it came back: close its intervals now. */
    private void closeLeftOpen() {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        update visits.centre_degraded set ended_at = greatest(started_at, ?), closed_by = 'restart'
                        where node = ? and ended_at is null""")) {
            s.setTimestamp(1, Timestamp.from(clock.instant()));
            s.setString(2, node);
            int closed = s.executeUpdate();
            if (closed > 0) {
                log.warn("closed {} degraded interval(s) this node left open when it stopped", closed);
            }
        } catch (SQLException e) {
            log.warn("cannot close this node's open degraded intervals: {}", e.getMessage());
        }
    }

    /**
     * Stops ticking and closes open intervals at their last signal ({@code closed_by = 'shutdown'}), if the database
     * answers.
     */
    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            try {
                ticker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Map.Entry<Cause, Tracker> e : trackers.entrySet()) {
            Tracker t = e.getValue();
            synchronized (t) {
                if (t.first == null) {
                    continue;
                }
                try {
                    write(e.getKey(), t, t.last, "shutdown");
                } catch (SQLException failure) {
                    log.warn("cannot record the end of a degraded interval at shutdown: {}", failure.getMessage());
                }
                t.first = null;
            }
        }
    }
}
