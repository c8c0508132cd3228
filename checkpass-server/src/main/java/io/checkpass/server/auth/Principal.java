package io.checkpass.server.auth;

import java.util.Set;

/** An authenticated API client or operator. */
public record Principal(String clientId, String displayName, Set<Role> roles) {
    public Principal {
        roles = Set.copyOf(roles);
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }
}
