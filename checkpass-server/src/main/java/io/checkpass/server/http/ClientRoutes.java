package io.checkpass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.server.auth.ClientAdministration;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * API clients, for issuer-admins (the console's Clients tab drives these): list, create (a secret shown once),
 * rotate, disable, enable. The work and its audit entry are {@link ClientAdministration}'s; refusals become 409
 * (exists), 404 (unknown) and 422 (bad id, name, roles or venue) in {@link Problems}.
 */
public final class ClientRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClientAdministration clients;
    private final Consumer<String> forget;

    /** @param forget drops a client from the authenticator's cache, so a change takes effect on the next request */
    public ClientRoutes(ClientAdministration clients, Consumer<String> forget) {
        this.clients = clients;
        this.forget = forget;
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        routing.get("/api/v1/clients", guard.require(classes.operator(), this::list, Role.ISSUER_ADMIN));
        routing.post("/api/v1/clients", guard.require(classes.operator(), this::create, Role.ISSUER_ADMIN));
        routing.post(
                "/api/v1/clients/{clientId}/rotate",
                guard.require(classes.operator(), this::rotate, Role.ISSUER_ADMIN));
        routing.post(
                "/api/v1/clients/{clientId}/disable",
                guard.require(classes.operator(), (p, req, res) -> setDisabled(p, req, res, true), Role.ISSUER_ADMIN));
        routing.post(
                "/api/v1/clients/{clientId}/enable",
                guard.require(classes.operator(), (p, req, res) -> setDisabled(p, req, res, false), Role.ISSUER_ADMIN));
    }

    private void list(Principal admin, ServerRequest req, ServerResponse res) {
        ArrayNode list = JSON.createArrayNode();
        clients.list().forEach(c -> list.add(json(c)));
        Responses.json(res, 200, JSON.createObjectNode().set("clients", list));
    }

    private void create(Principal admin, ServerRequest req, ServerResponse res) {
        JsonNode b = Bodies.json(req, 8 * 1024);
        String clientId = text(b, "clientId");
        if (clientId == null) {
            throw ApiException.badRequest("clientId is required (a string)");
        }
        JsonNode roles = b.path("roles");
        if (!roles.isArray()) {
            throw ApiException.badRequest("roles is required: an array of role ids such as [\"wallet-provider\"]");
        }
        List<String> roleIds = new ArrayList<>();
        for (JsonNode role : roles) {
            if (!role.isTextual()) {
                throw ApiException.badRequest("roles must hold strings");
            }
            roleIds.add(role.asText());
        }
        String name = Optional.ofNullable(text(b, "displayName")).orElse(clientId);
        var issued = clients.create(
                admin.clientId(),
                new ClientAdministration.NewClient(
                        clientId, name, ClientAdministration.roles(roleIds), Optional.ofNullable(text(b, "venueId"))));
        Responses.json(res, 201, issued(issued));
    }

    private void rotate(Principal admin, ServerRequest req, ServerResponse res) {
        String clientId = req.path().pathParameters().get("clientId");
        var issued = clients.rotate(admin.clientId(), clientId);
        forget.accept(clientId);
        Responses.json(res, 200, issued(issued));
    }

    private void setDisabled(Principal admin, ServerRequest req, ServerResponse res, boolean disabled) {
        String clientId = req.path().pathParameters().get("clientId");
        var client = clients.setDisabled(admin.clientId(), clientId, disabled);
        forget.accept(clientId);
        Responses.json(res, 200, json(client));
    }

    /** A text field, or null when absent; anything but a string is a 400. */
    private static String text(JsonNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest(field + " must be a string");
        }
        return v.asText();
    }

    private static ObjectNode issued(ClientAdministration.Issued issued) {
        ObjectNode n = json(issued.client()).put("secret", issued.secret());
        n.put(
                "note",
                "the secret is shown once; the client authenticates with HTTP Basic "
                        + issued.client().clientId() + ":secret");
        return n;
    }

    private static ObjectNode json(ClientAdministration.Client c) {
        ObjectNode n = JSON.createObjectNode()
                .put("clientId", c.clientId())
                .put("displayName", c.displayName())
                .put("disabled", c.disabled())
                .put("createdAt", c.createdAt().toString());
        ArrayNode roles = n.putArray("roles");
        c.roles().stream().map(Role::id).sorted().forEach(roles::add);
        c.venueId().ifPresent(v -> n.put("venueId", v));
        return n;
    }
}
