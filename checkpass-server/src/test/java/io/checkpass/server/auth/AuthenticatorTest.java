package io.checkpass.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
    private static final String SECRET = "s3cret-for-tests";

    /** One client, whose stored state the test changes; {@code null} means the database is unreachable. */
    private static final class Store implements ApiClients {
        final AtomicReference<StoredClient> client = new AtomicReference<>(stored(false));
        volatile boolean down;

        @Override
        public Optional<StoredClient> find(String clientId) {
            if (down) {
                throw new IllegalStateException("cannot read API client " + clientId + " (database down)");
            }
            return Optional.of(client.get()).filter(c -> c.clientId().equals(clientId));
        }

        @Override
        public String create(String clientId, String displayName, Set<Role> roles) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<String> create(Connection c, String clientId, String displayName, Set<Role> roles) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<StoredClient> list() {
            return List.of(client.get());
        }
    }

    private static ApiClients.StoredClient stored(boolean disabled) {
        return new ApiClients.StoredClient(
                "scanner-1", "door 1", Set.of(Role.SCANNER), Secrets.sha256(SECRET), disabled);
    }

    private static Optional<String> basic(String secret) {
        return Optional.of("Basic "
                + Base64.getEncoder().encodeToString(("scanner-1:" + secret).getBytes(StandardCharsets.UTF_8)));
    }

    private final Store store = new Store();
    private final AtomicLong nanos = new AtomicLong();
    // Refreshes run on the calling thread, so each step below is deterministic.
    private final Authenticator authenticator =
            new Authenticator(store, Duration.ofSeconds(5), nanos::get, Runnable::run);

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void a_known_client_keeps_authenticating_through_a_database_outage_for_a_while_then_not() {
        assertThat(authenticator.authenticate(basic(SECRET)))
                .map(Principal::clientId)
                .contains("scanner-1");
        assertThat(authenticator.authenticate(basic("wrong"))).isEmpty();

        store.down = true;
        advance(Duration.ofSeconds(30));
        assertThat(authenticator.authenticate(basic(SECRET)))
                .as("re-read failed: served on")
                .isPresent();
        advance(Duration.ofMinutes(5));
        assertThat(authenticator.authenticate(basic(SECRET))).isPresent();
        assertThat(authenticator.authenticate(basic("wrong")))
                .as("a wrong secret stays wrong")
                .isEmpty();

        advance(Authenticator.SERVE_STALE_FOR);
        assertThatThrownBy(() -> authenticator.authenticate(basic(SECRET)))
                .as("too old to trust: the outage shows (503)")
                .hasMessageContaining("database down");

        store.down = false;
        assertThat(authenticator.authenticate(basic(SECRET))).isPresent();
    }

    @Test
    void disabling_a_client_takes_effect_once_its_entry_is_re_read() {
        assertThat(authenticator.authenticate(basic(SECRET))).isPresent();
        store.client.set(stored(true));
        assertThat(authenticator.authenticate(basic(SECRET)))
                .as("within the refresh time")
                .isPresent();

        advance(Duration.ofSeconds(6));
        authenticator.authenticate(basic(SECRET)); // starts the re-read (here: completes it)
        assertThat(authenticator.authenticate(basic(SECRET))).isEmpty();
    }
}
