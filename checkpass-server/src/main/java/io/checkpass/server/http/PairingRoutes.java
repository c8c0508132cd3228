package io.checkpass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.checkpass.server.auth.ScannerPairing;
import io.checkpass.server.auth.SessionTokens;
import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.refusal.Refused;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Pairing a door tablet (docs/pages.md, "Pairing"): an issuer-admin makes a one-time code for a venue; the tablet
 * presents it, becomes a new scanner of that venue and gets the scanner session cookie, exactly as a scanner that
 * signed in with its secret would, but no secret ever reaches it or anyone. The claim needs no credentials (that is
 * the point), so a code that pairs nothing counts as a failed sign-in of the address, and the address is throttled
 * like one.
 */
public final class PairingRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScannerPairing pairing;
    private final SessionTokens sessions;

    public PairingRoutes(ScannerPairing pairing, SessionTokens sessions) {
        this.pairing = pairing;
        this.sessions = sessions;
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        routing.post(
                "/api/v1/venues/{venueId}/pairings",
                guard.require(classes.operator(), this::create, Role.ISSUER_ADMIN));
        routing.post("/api/v1/scanner-pairings", classes.operator().guard((req, res) -> {
            guard.refuseIfThrottled(req, res);
            try {
                claim(req, res);
            } catch (Refused refused) {
                if (refused.refusal() instanceof Refusal.PairingCodeInvalid) {
                    guard.countFailure(req);
                }
                throw refused;
            }
        }));
    }

    private void create(Principal admin, ServerRequest req, ServerResponse res) {
        String venueId = req.path().pathParameters().get("venueId");
        JsonNode b = req.content().hasEntity() ? Bodies.json(req, 1024) : JSON.createObjectNode();
        JsonNode minutes = b.path("minutes");
        Duration lifetime = ScannerPairing.DEFAULT_LIFETIME;
        if (!minutes.isMissingNode() && !minutes.isNull()) {
            if (!minutes.canConvertToInt()) {
                throw ApiException.badRequest("minutes must be a whole number, 1 to 1440");
            }
            lifetime = Duration.ofMinutes(minutes.asInt());
        }
        ScannerPairing.Pairing made = pairing.create(admin.clientId(), venueId, lifetime);
        Responses.json(
                res,
                201,
                JSON.createObjectNode()
                        .put("code", made.code())
                        .put("venueId", made.venueId())
                        .put("expiresAt", made.expiresAt().toString())
                        .put("pairPath", "/scanner/?pair=" + made.code()));
    }

    private void claim(ServerRequest req, ServerResponse res) {
        JsonNode b = Bodies.json(req, 1024);
        JsonNode code = b.path("code");
        if (!code.isTextual()) {
            throw ApiException.badRequest("code is required: the pairing code, e.g. \"K7QP-4X93\"");
        }
        JsonNode label = b.path("label");
        if (!label.isMissingNode() && !label.isNull() && !label.isTextual()) {
            throw ApiException.badRequest("label must be a string");
        }
        ScannerPairing.Paired paired =
                pairing.claim(code.asText(), label.isTextual() ? Optional.of(label.asText()) : Optional.empty());
        SessionTokens.Session session = sessions.start(paired.scannerId());
        res.header(
                HeaderNames.SET_COOKIE,
                ScannerSessionRoutes.cookie(
                        req, session.token(), sessions.lifetime().toSeconds()));
        Responses.json(
                res,
                201,
                JSON.createObjectNode()
                        .put("scannerId", paired.scannerId())
                        .put("venueId", paired.venueId())
                        .put("expiresAt", session.expiresAt().toString()));
    }
}
