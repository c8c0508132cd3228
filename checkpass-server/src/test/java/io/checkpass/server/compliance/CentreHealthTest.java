package io.checkpass.server.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.server.support.MutableClock;
import io.checkpass.server.support.TestCentre;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The centre's degraded intervals: opened on the first signal, closed after a quiet spell, kept while the database is away. */
class CentreHealthTest {
    static final Instant T = Instant.parse("2021-12-13T03:00:00Z");
    static TestCentre centre;
    final MutableClock clock = new MutableClock(T);

    @BeforeAll
    static void start() {
        centre = new TestCentre(T);
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    @Test
    void shed_requests_make_one_interval_that_ends_at_the_last_shed_after_a_quiet_spell() throws SQLException {
        CentreHealth health = health("shedding", visits(), () -> null);
        for (int s : new int[] {0, 10, 20}) {
            clock.set(T.plusSeconds(s));
            health.signal(CentreHealth.Cause.LOAD_SHEDDING, "ingest");
        }
        clock.set(T.plusSeconds(25));
        health.tick();
        assertThat(rows("shedding")).containsExactly("load-shedding " + T + " open 3 ingest null");
        clock.set(T.plusSeconds(20).plus(CentreHealth.QUIET));
        health.tick();
        assertThat(rows("shedding"))
                .containsExactly("load-shedding " + T + " " + T.plusSeconds(20) + " 3 ingest recovered");
        // A shed after the quiet spell is a new interval.
        clock.set(T.plusSeconds(300));
        health.signal(CentreHealth.Cause.LOAD_SHEDDING, "public");
        health.tick();
        assertThat(rows("shedding")).hasSize(2);
    }

    @Test
    void what_cannot_be_written_while_the_database_is_away_is_written_with_its_true_start_when_it_answers()
            throws SQLException {
        AtomicBoolean down = new AtomicBoolean(true);
        String[] probe = {"database unreachable: Connection refused"};
        CentreHealth health = health("outage", failing(visits(), down), () -> probe[0]);
        for (int s = 0; s <= 60; s += 5) {
            clock.set(T.plusSeconds(s));
            health.tick();
        }
        assertThat(rows("outage")).isEmpty();
        down.set(false);
        probe[0] = null;
        clock.set(T.plusSeconds(65));
        health.tick();
        assertThat(rows("outage"))
                .containsExactly("not-ready " + T + " open 13 database unreachable: Connection refused null");
        clock.set(T.plusSeconds(120));
        health.tick();
        assertThat(rows("outage"))
                .containsExactly("not-ready " + T + " " + T.plusSeconds(60)
                        + " 13 database unreachable: Connection refused recovered");
    }

    @Test
    void a_node_that_stopped_while_degraded_closes_its_interval_when_it_starts_again() throws SQLException {
        CentreHealth before = health("restarted", visits(), () -> null);
        before.signal(CentreHealth.Cause.STORAGE_UNAVAILABLE, "/api/v1/checkins");
        before.tick();
        assertThat(rows("restarted")).singleElement().asString().contains(" open ");
        // The process died: no close(). It comes back ten minutes later.
        clock.set(T.plus(Duration.ofMinutes(10)));
        try (CentreHealth after = health("restarted", visits(), () -> null).start(Duration.ofHours(1))) {
            assertThat(rows("restarted"))
                    .containsExactly("storage-unavailable " + T + " " + T.plus(Duration.ofMinutes(10))
                            + " 1 /api/v1/checkins restart");
        }
    }

    private CentreHealth health(String node, DataSource db, java.util.function.Supplier<String> probe) {
        return new CentreHealth(db, clock, node, CentreHealth.QUIET, probe);
    }

    private static DataSource visits() {
        return centre.server.centre().database().visits();
    }

    /** The pool, or a refusal to connect while {@code down} is set. */
    private static DataSource failing(DataSource db, AtomicBoolean down) {
        return (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (down.get() && method.getName().equals("getConnection")) {
                        throw new SQLException("Connection refused", "08001");
                    }
                    try {
                        return method.invoke(db, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static List<String> rows(String node) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = centre.server.centre().database().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select cause, started_at, ended_at, events, detail, closed_by"
                        + " from visits.centre_degraded where node = '" + node + "' order by id")) {
            while (r.next()) {
                out.add(r.getString(1) + " " + r.getTimestamp(2).toInstant() + " "
                        + (r.getTimestamp(3) == null
                                ? "open"
                                : r.getTimestamp(3).toInstant()) + " " + r.getLong(4)
                        + " " + r.getString(5) + " " + r.getString(6));
            }
        }
        return out;
    }
}
