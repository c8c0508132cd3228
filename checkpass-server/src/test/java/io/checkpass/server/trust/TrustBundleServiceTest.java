package io.checkpass.server.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkpass.core.rules.MedicalRules;
import io.checkpass.core.rules.VenueRules;
import io.checkpass.server.support.TestCentre;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The public trust bundle while the database is away: the known bundle is served on, never an error. */
class TrustBundleServiceTest {
    static TestCentre centre;
    static final AtomicBoolean databaseDown = new AtomicBoolean();

    @BeforeAll
    static void start() {
        centre = new TestCentre(Instant.parse("2021-12-13T03:00:00Z"));
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    /** The centre's pool, unless the test says the database is down. */
    private static DataSource switchable() {
        DataSource real = centre.server.centre().database().dataSource();
        return (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (databaseDown.get() && method.getName().equals("getConnection")) {
                        throw new SQLTransientConnectionException("the database is down (test)");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static TrustBundleService service() {
        var keys = centre.server.centre().keys();
        return new TrustBundleService(
                switchable(),
                keys,
                "test issuer",
                VenueRules::korea,
                MedicalRules::korea,
                centre.server.centre().foreignTrust()::section,
                TestCentre.ES256,
                centre.clock,
                Duration.ofSeconds(2));
    }

    @Test
    void pruning_deletes_bundles_older_than_the_retention_and_never_the_newest() throws Exception {
        databaseDown.set(false);
        TrustBundleService bundles = service();
        bundles.publish("old");
        centre.clock.advance(Duration.ofDays(30));
        TrustBundleService.Published newest = bundles.publish("new");

        assertThat(bundles.prune(centre.clock.instant().minus(Duration.ofDays(28))))
                .isPositive();
        assertThat(bundles.prune(centre.clock.instant().plus(Duration.ofDays(365))))
                .as("the newest stays, however old")
                .isZero();
        try (var c = centre.server.centre().database().dataSource().getConnection();
                var r = c.createStatement().executeQuery("select count(*), max(version) from trust_bundle")) {
            r.next();
            assertThat(r.getLong(1)).isEqualTo(1);
            assertThat(r.getLong(2)).isEqualTo(newest.version());
        }
    }

    @Test
    void with_the_database_down_the_known_bundle_is_served_on_and_a_newer_one_is_picked_up_after() {
        databaseDown.set(false);
        TrustBundleService bundles = service();
        TrustBundleService.Published known = bundles.current();

        databaseDown.set(true);
        centre.clock.advance(Duration.ofSeconds(10));
        assertThat(bundles.current()).isSameAs(known);
        centre.clock.advance(Duration.ofSeconds(10));
        assertThat(bundles.current()).isSameAs(known);

        databaseDown.set(false);
        TrustBundleService.Published newer = service().publish("another node revoked something");
        centre.clock.advance(Duration.ofSeconds(10));
        assertThat(bundles.current().version()).isEqualTo(newer.version()).isGreaterThan(known.version());
    }

    @Test
    void with_no_bundle_known_and_the_database_down_it_says_so() {
        databaseDown.set(true);
        try {
            assertThatThrownBy(() -> service().current()).hasRootCauseInstanceOf(SQLTransientConnectionException.class);
        } finally {
            databaseDown.set(false);
        }
    }
}
