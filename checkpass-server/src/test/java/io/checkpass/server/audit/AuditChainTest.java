package io.checkpass.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkpass.server.support.TestCentre;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The audit log as a hash chain on real PostgreSQL: intact as written, broken where someone past the trigger edits. */
class AuditChainTest {

    @Test
    void concurrent_writers_extend_one_chain_and_every_edit_past_the_trigger_is_found() throws Exception {
        try (TestCentre centre = new TestCentre(Instant.parse("2021-12-13T03:00:00.123456789Z"))) {
            AuditLog audit = centre.server.centre().audit();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> writes = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    int n = i;
                    writes.add(pool.submit(() -> audit.record(
                            "tester",
                            "test-write",
                            "person:P-" + n,
                            Map.of("n", n, "nested", Map.of("b", 2, "a", 1)))));
                }
                for (Future<?> w : writes) {
                    w.get();
                }
            }
            centre.clock.advance(Duration.ofMinutes(1));
            audit.record("tester", "test-write", null, Map.of());

            assertThat(audit.verifyChain())
                    .isInstanceOfSatisfying(
                            AuditChain.Check.Intact.class,
                            intact -> assertThat(intact.entries()).isGreaterThanOrEqualTo(41));

            long victim = idOf(centre, "person:P-7");
            superuser(centre, "update audit_log set detail = '{\"n\": 70}' where id = " + victim);
            assertThat(audit.verifyChain()).isEqualTo(new AuditChain.Check.Broken(victim, "its detail was changed"));

            superuser(
                    centre,
                    "update audit_log set detail = '{\"n\": 7, \"nested\": {\"a\": 1, \"b\": 2}}' where id = "
                            + victim);
            assertThat(audit.verifyChain())
                    .as("restored, in another key order")
                    .isInstanceOf(AuditChain.Check.Intact.class);

            superuser(centre, "update audit_log set actor = 'someone-else' where id = " + victim);
            assertThat(audit.verifyChain()).isInstanceOf(AuditChain.Check.Broken.class);
            superuser(centre, "update audit_log set actor = 'tester' where id = " + victim);

            superuser(centre, "delete from audit_log where id = " + victim);
            assertThat(audit.verifyChain())
                    .isInstanceOfSatisfying(
                            AuditChain.Check.Broken.class,
                            broken -> assertThat(broken.why()).contains("does not follow"));
        }
    }

    @Test
    void after_the_retention_identities_become_pseudonyms_the_chain_still_verifies_and_nothing_else_may_change()
            throws Exception {
        try (TestCentre centre = new TestCentre(Instant.parse("2021-12-13T03:00:00Z"))) {
            AuditLog audit = centre.server.centre().audit();
            var contacts = centre.server.centre().contacts();
            audit.record(
                    "tracer-1",
                    "trace-resolve",
                    "person:P-9",
                    Map.of(
                            "caseId",
                            "c-1",
                            "visits",
                            List.of(Map.of("venueId", "v-1", "contactVisitAt", "2021-12-13T03:00:00Z"))));
            audit.record("admin-1", "revoke", "person:P-9", Map.of("reason", "r", "serials", List.of("aa", "bb")));
            audit.record("admin-1", "venue-add", "venue:v-1", Map.of("venueType", "restaurant_cafe"));
            centre.clock.advance(Duration.ofDays(29));

            assertThat(audit.pseudonymiseBefore(centre.clock.instant().minus(Duration.ofDays(28)), contacts::pseudonym))
                    .as("the two entries that name a person")
                    .isEqualTo(2);
            assertThat(audit.pseudonymiseBefore(centre.clock.instant(), contacts::pseudonym))
                    .as("once")
                    .isZero();

            var entries = audit.read(Instant.EPOCH, centre.clock.instant(), 10);
            var resolve = entries.stream()
                    .filter(e -> e.action().equals("trace-resolve"))
                    .findFirst()
                    .orElseThrow();
            assertThat(resolve.subject())
                    .isEqualTo(contacts.pseudonym("person:P-9"))
                    .doesNotContain("P-9");
            assertThat(resolve.detail()).doesNotContainKey("visits").containsEntry("visitsCount", 1);
            var revoke = entries.stream()
                    .filter(e -> e.action().equals("revoke"))
                    .findFirst()
                    .orElseThrow();
            assertThat(revoke.subject()).isEqualTo(resolve.subject());
            assertThat(revoke.detail()).doesNotContainKey("serials").containsEntry("serialsCount", 2);
            assertThat(entries.stream()
                            .filter(e -> e.action().equals("venue-add"))
                            .findFirst()
                            .orElseThrow()
                            .subject())
                    .isEqualTo("venue:v-1");

            assertThat(audit.verifyChain()).isInstanceOf(AuditChain.Check.Intact.class);
            try (Connection c = centre.server.centre().database().dataSource().getConnection();
                    Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.execute("update audit_log set actor = 'x' where action = 'venue-add'"))
                        .hasMessageContaining("append-only");
                assertThatThrownBy(() -> s.execute("delete from audit_log where action = 'venue-add'"))
                        .hasMessageContaining("append-only");
            }
        }
    }

    private static long idOf(TestCentre centre, String subject) throws Exception {
        try (Connection c = centre.server.centre().database().dataSource().getConnection();
                var s = c.prepareStatement("select id from audit_log where subject = ?")) {
            s.setString(1, subject);
            try (var r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** What only someone past the append-only trigger can do (the test database's user is a superuser). */
    private static void superuser(TestCentre centre, String sql) throws Exception {
        try (Connection c = centre.server.centre().database().dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("alter table audit_log disable trigger user");
            try {
                s.execute(sql);
            } finally {
                s.execute("alter table audit_log enable trigger user");
            }
        }
    }
}
