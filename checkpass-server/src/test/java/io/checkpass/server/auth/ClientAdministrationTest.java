package io.checkpass.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.refusal.Refused;
import io.checkpass.server.support.TestCentre;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ClientAdministration#initAdmin} against real PostgreSQL: one first admin, however many inits race. */
class ClientAdministrationTest {
    static final Instant NOW = Instant.parse("2021-12-13T03:00:00Z");

    @Test
    void an_init_waits_for_one_in_progress_and_then_finds_its_admin() throws Exception {
        try (TestCentre centre = new TestCentre(NOW)) {
            ClientAdministration clients = centre.server.centre().clientAdministration();
            try (Connection other =
                    centre.server.centre().database().dataSource().getConnection()) {
                // Another init, halfway: it holds the lock and has made its admin, not yet committed.
                other.setAutoCommit(false);
                try (PreparedStatement s = other.prepareStatement("select pg_advisory_xact_lock(?)")) {
                    s.setLong(1, ClientAdministration.INIT_LOCK);
                    s.execute();
                }
                centre.server.centre().apiClients().create(other, "admin-first", "first", Set.of(Role.ISSUER_ADMIN));

                CompletableFuture<ClientAdministration.Issued> second =
                        CompletableFuture.supplyAsync(() -> clients.initAdmin("test", "admin-second", "second"));
                Thread.sleep(500);
                assertThat(second).as("waits for the init in progress").isNotDone();
                other.commit();

                assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(Refused.class)
                        .cause()
                        .satisfies(e -> assertThat(((Refused) e).refusal())
                                .isEqualTo(new Refusal.AlreadyInitialised(List.of("admin-first"))));
            }
            assertThat(clients.find("admin-second")).isEmpty();
        }
    }

    @Test
    void a_centre_whose_admins_are_all_disabled_can_be_initialised_again() {
        try (TestCentre centre = new TestCentre(NOW)) {
            ClientAdministration clients = centre.server.centre().clientAdministration();
            clients.initAdmin("cli:root", "admin", "Admin");
            assertThatThrownBy(() -> clients.initAdmin("cli:root", "admin-2", "Admin 2"))
                    .isInstanceOf(Refused.class);
            clients.setDisabled("cli:root", "admin", true);
            assertThat(clients.initAdmin("cli:root", "admin-2", "Admin 2")
                            .client()
                            .roles())
                    .containsExactly(Role.ISSUER_ADMIN);
        }
    }
}
