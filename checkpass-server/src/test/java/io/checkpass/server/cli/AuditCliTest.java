package io.checkpass.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.server.support.TestCentre;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** `checkpass audit verify` against a real centre's database. */
class AuditCliTest {
    static final Instant NOW = Instant.parse("2021-12-13T03:00:00Z");

    @Test
    void verify_says_intact_then_names_the_entry_someone_changed_and_exits_1() throws Exception {
        try (TestCentre centre = new TestCentre(NOW)) {
            centre.server.centre().audit().record("cli-test", "test", "subject", Map.of("k", "v"));
            CliRun intact = verify(centre);
            assertThat(intact.exitCode()).as(intact.err()).isZero();
            assertThat(intact.out()).contains("intact");

            try (Connection c = centre.server.centre().database().dataSource().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("alter table audit_log disable trigger user");
                s.execute("update audit_log set subject = 'other' where actor = 'cli-test'");
                s.execute("alter table audit_log enable trigger user");
            }
            CliRun broken = verify(centre);
            assertThat(broken.exitCode()).isEqualTo(1);
            assertThat(broken.out()).contains("BROKEN").contains("its subject was changed");
        }
    }

    private static CliRun verify(TestCentre centre) {
        return CliRun.onCentre(NOW, centre, "audit", "verify");
    }
}
