package io.checkpass.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.checkpass.server.auth.SessionTokens;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The scanner page's sign-in, kept where its scripts cannot read it. The page proves its scanner's secret once
 * (HTTP Basic) and gets an HttpOnly, SameSite=Strict session cookie for the API's paths; from then on it holds no
 * secret at all, so a script that ever ran on the centre's origin (the wallet's, the console's) could not carry the
 * door's credentials away. The cookie outlives a centre restart and a reload without network, so the door keeps
 * working offline and uploads its queue when the centre is back.
 */
public final class ScannerSessionRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SessionTokens sessions;

    public ScannerSessionRoutes(SessionTokens sessions) {
        this.sessions = sessions;
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        routing.post("/api/v1/scanner-sessions", guard.require(classes.operator(), this::start, Role.SCANNER));
        routing.delete("/api/v1/scanner-sessions", guard.require(classes.operator(), this::end, Role.SCANNER));
    }

    private void start(Principal scanner, ServerRequest req, ServerResponse res) {
        SessionTokens.Session session = sessions.start(scanner.clientId());
        res.header(
                HeaderNames.SET_COOKIE,
                cookie(req, session.token(), sessions.lifetime().toSeconds()));
        Responses.json(
                res,
                201,
                JSON.createObjectNode()
                        .put("scannerId", scanner.clientId())
                        .put("expiresAt", session.expiresAt().toString()));
    }

    private void end(Principal scanner, ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.SET_COOKIE, cookie(req, "", 0));
        res.status(Status.NO_CONTENT_204);
        res.send();
    }

    /** Sent back only to the API, never readable by script, never on another site's requests; Secure over TLS. */
    static String cookie(ServerRequest req, String value, long maxAgeSeconds) {
        return Guard.SCANNER_COOKIE + "=" + value + "; Path=/api/; Max-Age=" + maxAgeSeconds
                + "; HttpOnly; SameSite=Strict" + (req.isSecure() ? "; Secure" : "");
    }
}
