package io.checkpass.server.auth;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Where API clients and operators are kept. */
public interface ApiClients {

    /** A stored client: its roles and the SHA-256 of its secret. */
    record StoredClient(String clientId, String displayName, Set<Role> roles, byte[] secretSha256, boolean disabled) {}

    Optional<StoredClient> find(String clientId);

    /**
     * Creates a client and returns its secret, which is shown once and never stored.
     *
     * @throws IllegalArgumentException if the id is malformed or taken
     */
    String create(String clientId, String displayName, Set<Role> roles);

    List<StoredClient> list();
}
