package io.checkpass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.registry.PersonId;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.checkpass.server.notify.Broadcasts;
import io.checkpass.server.notify.NotificationPreferences;
import io.checkpass.server.notify.NotificationState;
import io.checkpass.server.notify.Notifications;
import io.checkpass.server.notify.Outbox;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Notifications (docs/api.yaml, docs/operations.md "Notifications"): the console's view of the outbox (counts by
 * state, kind and channel; the newest rows), decree broadcasts, and a person's opt-out per channel and language, which
 * the holder changes through their wallet provider and an operator through the console.
 */
public final class NotificationRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_BYTES = 16 * 1024;

    private final Notifications notifications;

    public NotificationRoutes(Notifications notifications) {
        this.notifications = notifications;
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        routing.get(
                "/api/v1/notifications/summary",
                guard.require(classes.operator(), this::summary, Role.ISSUER_ADMIN, Role.AUDITOR, Role.MONITORING));
        routing.get(
                "/api/v1/notifications",
                guard.require(classes.operator(), this::recent, Role.ISSUER_ADMIN, Role.AUDITOR));
        routing.post(
                "/api/v1/notifications/broadcasts",
                guard.require(classes.operator(), this::broadcast, Role.ISSUER_ADMIN));
        routing.get(
                "/api/v1/persons/{personId}/notification-preferences",
                guard.require(
                        classes.operator(),
                        this::preferences,
                        Role.ISSUER_ADMIN,
                        Role.WALLET_PROVIDER,
                        Role.COUNTER_CLERK));
        routing.put(
                "/api/v1/persons/{personId}/notification-preferences",
                guard.require(
                        classes.operator(), this::change, Role.ISSUER_ADMIN, Role.WALLET_PROVIDER, Role.COUNTER_CLERK));
    }

    private void summary(Principal operator, ServerRequest req, ServerResponse res) {
        var counts = JSON.createArrayNode();
        for (Outbox.Count c : notifications.outbox().counts()) {
            counts.addObject()
                    .put("state", c.state().id())
                    .put("kind", c.kind().id())
                    .put("channel", c.channel().id())
                    .put("count", c.count());
        }
        Responses.json(res, 200, JSON.createObjectNode().set("counts", counts));
    }

    private void recent(Principal operator, ServerRequest req, ServerResponse res) {
        Optional<NotificationState> state;
        try {
            state = req.query().first("state").asOptional().map(NotificationState::parse);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(
                    "state must be one of queued, sending, sent, delivered, failed, dead, suppressed");
        }
        int limit;
        try {
            limit = Integer.parseInt(req.query().first("limit").orElse("100"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit must be an integer");
        }
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("limit must be 1..1000");
        }
        var rows = JSON.createArrayNode();
        for (Outbox.Row r : notifications.outbox().recent(state, limit)) {
            ObjectNode row = rows.addObject()
                    .put("id", r.id())
                    .put("personId", r.personId())
                    .put("kind", r.kind().id())
                    .put("dueDate", r.dueDate().toString())
                    .put("channel", r.channel().id())
                    .put("state", r.state().id())
                    .put("attempts", r.attempts())
                    .put("createdAt", r.createdAt().toString());
            r.sentAt().ifPresent(t -> row.put("sentAt", t.toString()));
            r.finishedAt().ifPresent(t -> row.put("finishedAt", t.toString()));
            r.lastError().ifPresent(e -> row.put("lastError", e));
        }
        Responses.json(res, 200, JSON.createObjectNode().set("notifications", rows));
    }

    private void broadcast(Principal operator, ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.json(req, MAX_BODY_BYTES);
        switch (notifications
                .broadcasts()
                .send(
                        operator.clientId(),
                        body.path("textKo").asText(""),
                        body.path("textEn").asText(""))) {
            case Broadcasts.Outcome.Invalid invalid ->
                throw new ApiException(
                        400,
                        "invalid-broadcast",
                        "Invalid broadcast",
                        String.join("; ", invalid.problems()),
                        Map.of("problems", invalid.problems()));
            case Broadcasts.Outcome.Queued queued -> {
                notifications.wake();
                Responses.json(
                        res,
                        202,
                        JSON.createObjectNode()
                                .put("broadcastId", queued.broadcastId())
                                .put("queued", queued.notifications()));
            }
        }
    }

    private static PersonId person(ServerRequest req) {
        String id = req.path().pathParameters().get("personId");
        try {
            return PersonId.parse(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("personId: " + e.getMessage());
        }
    }

    private void preferences(Principal caller, ServerRequest req, ServerResponse res) {
        PersonId person = person(req);
        Responses.json(res, 200, json(person, notifications.preferences().get(person)));
    }

    private void change(Principal caller, ServerRequest req, ServerResponse res) {
        PersonId person = person(req);
        JsonNode body = Bodies.json(req, MAX_BODY_BYTES);
        Optional<Locale> locale = Optional.empty();
        if (body.has("locale")) {
            String tag = body.path("locale").asText("");
            if (!tag.equals("ko") && !tag.equals("en")) {
                throw ApiException.badRequest("locale must be ko or en");
            }
            locale = Optional.of(Locale.forLanguageTag(tag));
        }
        var change = new NotificationPreferences.Change(flag(body, "smsOptOut"), flag(body, "pushOptOut"), locale);
        switch (notifications.preferences().change(caller.clientId(), person, change)) {
            case NotificationPreferences.Outcome.UnknownPerson unknown ->
                throw ApiException.notFound("unknown-person", "the registry holds no person '" + person + "'");
            case NotificationPreferences.Outcome.Changed changed ->
                Responses.json(res, 200, json(person, changed.preference()));
        }
    }

    private static Optional<Boolean> flag(JsonNode body, String field) {
        if (!body.has(field)) {
            return Optional.empty();
        }
        if (!body.get(field).isBoolean()) {
            throw ApiException.badRequest(field + " must be true or false");
        }
        return Optional.of(body.get(field).booleanValue());
    }

    private static ObjectNode json(PersonId person, NotificationPreferences.Preference p) {
        return JSON.createObjectNode()
                .put("personId", person.value())
                .put("smsOptOut", p.smsOptOut())
                .put("pushOptOut", p.pushOptOut())
                .put("locale", p.locale().getLanguage());
    }
}
