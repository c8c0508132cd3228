package io.checkpass.server.http;

import io.checkpass.server.auth.Authenticator;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** Authentication and authorisation for a route: 401 without valid credentials, 403 without one of the roles. */
public final class Guard {
    private static final HeaderName REQUESTED_WITH = HeaderNames.create("X-Requested-With");
    private final Authenticator authenticator;

    public Guard(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** A handler that needs the principal. */
    @FunctionalInterface
    public interface AuthenticatedHandler {
        void handle(Principal principal, ServerRequest req, ServerResponse res) throws Exception;
    }

    /** Requires any one of {@code roles}. */
    public Handler require(AuthenticatedHandler handler, Role... roles) {
        Set<Role> allowed = EnumSet.copyOf(Arrays.asList(roles));
        String names = allowed.stream().map(Role::id).collect(Collectors.joining(" or "));
        return (req, res) -> {
            var principal = authenticator.authenticate(req.headers().first(HeaderNames.AUTHORIZATION));
            if (principal.isEmpty()) {
                // Our pages sign in with their own forms; a browser seeing the challenge on their fetch() would open
                // its
                // own password dialog over them. They mark their requests, as XMLHttpRequest-era pages did.
                if (req.headers().first(REQUESTED_WITH).isEmpty()) {
                    res.header(HeaderNames.WWW_AUTHENTICATE, "Basic realm=\"checkpass\", charset=\"UTF-8\"");
                }
                throw new ApiException(
                        401,
                        "unauthenticated",
                        "Authentication required",
                        "send HTTP Basic credentials of an API client (curl -u client-id:secret)");
            }
            if (allowed.stream().noneMatch(principal.get()::has)) {
                throw new ApiException(
                        403,
                        "forbidden",
                        "Not allowed",
                        "client '" + principal.get().clientId() + "' lacks the role " + names + " this route needs");
            }
            handler.handle(principal.get(), req, res);
        };
    }
}
