package io.checkpass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.pass.DisplayHint;
import io.checkpass.core.registry.PersonId;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.server.auth.SessionTokens;
import io.checkpass.server.issuance.IssuanceService;
import io.checkpass.server.json.CredentialJson;
import io.checkpass.server.registry.Registry;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo wallet provider behind the wallet page: a provider-style sign-in (person id and birth date, checked
 * against the registry, where a real provider would run its own identity check), then issuance through the
 * centre's issuance service as the demo provider client {@value #PROVIDER}, exactly as that client would over
 * {@code POST /api/v1/passes}.
 *
 * <p>The routes are registered only when {@code demo.wallet} is on ({@code serve --demo} turns it on and seeds the
 * client); otherwise they do not exist (404), so a production centre exposes no sign-in by birth date.
 */
public final class DemoWalletRoutes {
    /** The demo wallet provider's client id (DemoSeeder). */
    public static final String PROVIDER = "wallet-demo";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FAILURES_BEFORE_LOCK = 5;

    private final Registry registry;
    private final IssuanceService issuance;
    private final SessionTokens sessions;
    private final Es256 es256;
    /** Failed sign-ins per person: a birth date is a weak secret, so a person id locks for 15 minutes after five. */
    private final Cache<String, AtomicInteger> failures = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(15))
            .build();

    public DemoWalletRoutes(Registry registry, IssuanceService issuance, SessionTokens sessions, Es256 es256) {
        this.registry = registry;
        this.issuance = issuance;
        this.sessions = sessions;
        this.es256 = es256;
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        routing.post("/wallet/api/session", classes.issuance().guard(this::signIn));
        routing.post("/wallet/api/credential", classes.issuance().guard(this::credential));
    }

    private void signIn(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.json(req, 4 * 1024);
        String personId;
        try {
            personId = PersonId.parse(body.path("personId").asText("").trim()).value();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("personId: " + e.getMessage());
        }
        LocalDate birthDate;
        try {
            birthDate = LocalDate.parse(body.path("birthDate").asText(""));
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("birthDate must be a date such as 1985-03-01");
        }
        AtomicInteger failed = failures.get(personId, k -> new AtomicInteger());
        if (failed.get() >= FAILURES_BEFORE_LOCK) {
            throw new ApiException(429, "sign-in-locked", "Too many failed sign-ins", "try again in 15 minutes");
        }
        Optional<PersonRecord> person = registry.find(personId)
                .map(r -> r.person())
                .filter(p -> p.birthDate().equals(birthDate));
        if (person.isEmpty()) {
            failed.incrementAndGet();
            // The same answer for an unknown person and a wrong date: the form must not reveal who is registered.
            throw new ApiException(
                    401, "sign-in-failed", "Sign-in failed", "no registered person has that id and birth date");
        }
        failures.invalidate(personId);
        SessionTokens.Session session = sessions.start(personId);
        Responses.json(
                res,
                200,
                JSON.createObjectNode()
                        .put("token", session.token())
                        .put("personId", personId)
                        .put("maskedName", DisplayHint.mask(person.get().name()))
                        .put("expiresAt", session.expiresAt().toString()));
    }

    /**
     * The person whose demo wallet session the request carries ({@code Authorization: Bearer}).
     *
     * @throws ApiException 401 without a valid session
     */
    static String signedIn(ServerRequest req, SessionTokens sessions) {
        String authorization = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        String personId = authorization.startsWith("Bearer ")
                ? sessions.subjectOf(authorization.substring(7).trim()).orElse(null)
                : null;
        if (personId == null) {
            throw new ApiException(
                    401, "signed-out", "Signed out", "sign in again: the session token is missing, altered or expired");
        }
        return personId;
    }

    private void credential(ServerRequest req, ServerResponse res) {
        String personId = signedIn(req, sessions);
        JsonNode body = Bodies.json(req, 4 * 1024);
        var outcome = issuance.issue(PROVIDER, PassOrderJson.read(new PersonId(personId), body, es256));
        Responses.json(res, outcome.reused() ? 200 : 201, CredentialJson.toJson(outcome));
    }
}
