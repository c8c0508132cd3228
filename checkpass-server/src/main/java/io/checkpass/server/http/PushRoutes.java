package io.checkpass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.core.registry.PersonId;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.checkpass.server.auth.SessionTokens;
import io.checkpass.server.notify.push.PushEndpoints;
import io.checkpass.server.notify.push.PushSubscriptions;
import io.checkpass.server.notify.push.VapidKeys;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * Web Push subscriptions (docs/adr/0018): the centre's VAPID public key for wallets to subscribe with (public), and
 * the subscriptions themselves, which a wallet provider registers for the person it signed in ({@code
 * wallet-provider}, as it orders passes), or the demo wallet for its session's person. Without {@code push.vapid-key}
 * the routes answer 404 {@code push-not-configured}.
 */
public final class PushRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SMALL_BODY = 4 * 1024;

    private final Optional<VapidKeys> vapid;
    private final PushSubscriptions subscriptions;
    private final PushEndpoints endpoints;
    private final Optional<SessionTokens> demoWalletSessions;

    /**
     * @param demoWalletSessions the demo wallet's sessions when {@code demo.wallet} is on: its page subscribes through
     *     {@code /wallet/api/push-subscriptions}
     */
    public PushRoutes(
            Optional<VapidKeys> vapid,
            PushSubscriptions subscriptions,
            PushEndpoints endpoints,
            Optional<SessionTokens> demoWalletSessions) {
        this.vapid = vapid;
        this.subscriptions = subscriptions;
        this.endpoints = endpoints;
        this.demoWalletSessions = demoWalletSessions;
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        routing.get("/api/v1/push/application-server-key", classes.publicReads().guard(this::applicationServerKey));
        routing.post(
                "/api/v1/push/subscriptions",
                guard.require(
                        classes.issuance(),
                        (principal, req, res) -> subscribe(principal.clientId(), Optional.empty(), req, res),
                        Role.WALLET_PROVIDER));
        routing.delete(
                "/api/v1/push/subscriptions/{id}",
                guard.require(
                        classes.issuance(),
                        (Principal principal, ServerRequest req, ServerResponse res) ->
                                unsubscribe(principal.clientId(), Optional.empty(), req, res),
                        Role.WALLET_PROVIDER));
        demoWalletSessions.ifPresent(sessions -> {
            routing.post("/wallet/api/push-subscriptions", classes.issuance().guard((req, res) -> {
                String personId = DemoWalletRoutes.signedIn(req, sessions);
                subscribe(DemoWalletRoutes.PROVIDER, Optional.of(new PersonId(personId)), req, res);
            }));
            routing.delete(
                    "/wallet/api/push-subscriptions/{id}", classes.issuance().guard((req, res) -> {
                        String personId = DemoWalletRoutes.signedIn(req, sessions);
                        unsubscribe(DemoWalletRoutes.PROVIDER, Optional.of(personId), req, res);
                    }));
        });
    }

    private VapidKeys configured() {
        return vapid.orElseThrow(() -> ApiException.notFound(
                "push-not-configured", "this centre sends no Web Push (push.vapid-key is not set)"));
    }

    private void applicationServerKey(ServerRequest req, ServerResponse res) {
        Responses.json(
                res,
                200,
                JSON.createObjectNode().put("applicationServerKey", configured().applicationServerKey()));
    }

    /**
     * The body is the browser's {@code PushSubscription.toJSON()} under {@code subscription}, the wallet's language
     * under {@code language} ({@code ko} or {@code en}), and for a wallet provider the person under {@code personId}.
     *
     * @param signedIn the demo wallet session's person; empty for a wallet provider, which names the person
     */
    private void subscribe(String actor, Optional<PersonId> signedIn, ServerRequest req, ServerResponse res) {
        configured();
        JsonNode body = Bodies.json(req, SMALL_BODY);
        PersonId person = signedIn.orElseGet(() -> CentreRoutes.personId(body.path("personId")));
        JsonNode subscription = body.path("subscription");
        String endpoint = subscription.path("endpoint").asText("");
        var allowed = switch (endpoints.check(endpoint)) {
            case PushEndpoints.Result.Allowed a -> a.endpoint();
            case PushEndpoints.Result.Refused r -> throw ApiException.badRequest("subscription." + r.reason());
        };
        byte[] p256dh = base64url(subscription.path("keys").path("p256dh"), "subscription.keys.p256dh");
        byte[] auth = base64url(subscription.path("keys").path("auth"), "subscription.keys.auth");
        String language = body.path("language").asText("ko");
        if (!language.equals("ko") && !language.equals("en")) {
            throw ApiException.badRequest("language must be ko or en");
        }
        switch (subscriptions.register(actor, person, allowed, p256dh, auth, Locale.forLanguageTag(language))) {
            case PushSubscriptions.Registration.Registered r ->
                Responses.json(
                        res, 201, JSON.createObjectNode().put("id", r.id()).put("personId", person.value()));
            case PushSubscriptions.Registration.UnknownPerson u ->
                throw ApiException.notFound("unknown-person", "the registry holds no person '" + u.personId() + "'");
            case PushSubscriptions.Registration.BadKeys b -> throw ApiException.badRequest(b.problem());
        }
    }

    /** Removes a subscription; the demo wallet only its own person's. */
    private void unsubscribe(String actor, Optional<String> ownPerson, ServerRequest req, ServerResponse res) {
        configured();
        String id = req.path().pathParameters().get("id");
        boolean mine = ownPerson.isEmpty()
                || subscriptions
                        .find(id)
                        .filter(s -> s.personId().equals(ownPerson.get()))
                        .isPresent();
        if (!mine || !subscriptions.remove(actor, id, "unsubscribed")) {
            throw ApiException.notFound("unknown-subscription", "no push subscription has the id '" + id + "'");
        }
        res.status(Status.NO_CONTENT_204);
        res.send();
    }

    private static byte[] base64url(JsonNode node, String field) {
        if (!node.isTextual() || node.asText().length() > 200) {
            throw ApiException.badRequest(field + " is required: base64url, as PushSubscription.toJSON() gives it");
        }
        try {
            return Base64.getUrlDecoder().decode(node.asText());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field + " is not base64url");
        }
    }
}
