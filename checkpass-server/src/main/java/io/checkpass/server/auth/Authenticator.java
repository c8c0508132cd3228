package io.checkpass.server.auth;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * HTTP Basic authentication of API clients ({@code -u client-id:secret}). Stored clients are cached so the
 * issuance path does not query the database per request: an entry older than {@code refreshAfter} is re-read
 * in the background while it keeps serving, so disabling a client takes effect within that time (and one
 * request). When the re-read fails — the database is down — the entry serves on for up to {@link #SERVE_STALE_FOR}:
 * routes that need no database, such as the scanners' verify API, keep working through an outage.
 */
public final class Authenticator {
    /** How long a stored client is trusted without being re-read, when re-reading fails. */
    public static final Duration SERVE_STALE_FOR = Duration.ofMinutes(10);

    private static final byte[] NO_SUCH_CLIENT = new byte[32];

    private final LoadingCache<String, Optional<ApiClients.StoredClient>> clients;

    public Authenticator(ApiClients store, Duration refreshAfter) {
        // Re-reads block on JDBC for up to the pool's timeout when the database is away: on virtual threads, not on
        // the common pool's one or two carrier threads.
        this(store, refreshAfter, Ticker.systemTicker(), Executors.newVirtualThreadPerTaskExecutor());
    }

    Authenticator(ApiClients store, Duration refreshAfter, Ticker ticker, Executor refreshes) {
        this.clients = Caffeine.newBuilder()
                .maximumSize(10_000)
                .refreshAfterWrite(refreshAfter)
                .expireAfterWrite(SERVE_STALE_FOR)
                .ticker(ticker)
                .executor(refreshes)
                .build(store::find);
    }

    /**
     * Drops a client from the cache, so its next request reads it afresh: the centre's own client routes call it
     * after a rotation or a disablement, which then take effect at once rather than within {@code refreshAfter}.
     */
    public void forget(String clientId) {
        clients.invalidate(clientId);
    }

    /**
     * The principal of a client whose sign-in a session already proved (a scanner page's cookie): empty if the
     * client has since been disabled or removed, which takes effect as for Basic credentials.
     */
    public Optional<Principal> bySession(String clientId) {
        return clients.get(clientId)
                .filter(client -> !client.disabled())
                .map(client -> new Principal(client.clientId(), client.displayName(), client.roles()));
    }

    /** The principal, or empty when the header is missing, malformed, or names an unknown/disabled client or a wrong secret. */
    public Optional<Principal> authenticate(Optional<String> authorization) {
        if (authorization.isEmpty() || !authorization.get().regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(authorization.get().substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0 || colon > 64) {
            return Optional.empty();
        }
        String clientId = decoded.substring(0, colon);
        String secret = decoded.substring(colon + 1);
        Optional<ApiClients.StoredClient> stored = clients.get(clientId);
        // Hash even for unknown clients so response time does not reveal which ids exist.
        boolean secretMatches = Secrets.matches(
                secret, stored.map(ApiClients.StoredClient::secretSha256).orElse(NO_SUCH_CLIENT));
        if (stored.isEmpty() || stored.get().disabled() || !secretMatches) {
            return Optional.empty();
        }
        var client = stored.get();
        return Optional.of(new Principal(client.clientId(), client.displayName(), client.roles()));
    }
}
