package io.checkpass.server.auth;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * HTTP Basic authentication of API clients ({@code -u client-id:secret}). Stored clients are cached for a few
 * seconds so the issuance path does not query the database per request; disabling a client takes effect
 * within that time.
 */
public final class Authenticator {
    private static final byte[] NO_SUCH_CLIENT = new byte[32];

    private final LoadingCache<String, Optional<ApiClients.StoredClient>> clients;

    public Authenticator(ApiClients store, Duration cacheFor) {
        this.clients = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(cacheFor).build(store::find);
    }

    /** The principal, or empty when the header is missing, malformed, or names an unknown/disabled client or a wrong secret. */
    public Optional<Principal> authenticate(Optional<String> authorization) {
        if (authorization.isEmpty() || !authorization.get().regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.get().substring(6).trim()), StandardCharsets.UTF_8);
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
        boolean secretMatches = Secrets.matches(secret, stored.map(ApiClients.StoredClient::secretSha256).orElse(NO_SUCH_CLIENT));
        if (stored.isEmpty() || stored.get().disabled() || !secretMatches) {
            return Optional.empty();
        }
        var client = stored.get();
        return Optional.of(new Principal(client.clientId(), client.displayName(), client.roles()));
    }
}
