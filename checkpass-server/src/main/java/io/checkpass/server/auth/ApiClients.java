package io.checkpass.server.auth;

import java.sql.Connection;
import java.sql.SQLException;
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

    /**
     * Creates a client inside the caller's transaction on {@code c}, so that it commits or rolls back with whatever
     * the client belongs to (a scanner and its venue binding). Returns its secret, or empty if the id is taken.
     *
     * @throws IllegalArgumentException if the id is malformed or no role is given
     */
    Optional<String> create(Connection c, String clientId, String displayName, Set<Role> roles) throws SQLException;

    List<StoredClient> list();
}
