package io.checkpass.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

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
            s.execute("alter table audit_log disable trigger audit_log_append_only");
            try {
                s.execute(sql);
            } finally {
                s.execute("alter table audit_log enable trigger audit_log_append_only");
            }
        }
    }
}
