package io.checkpass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.rules.Decree;
import io.checkpass.core.rules.RulesFormatException;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.checkpass.server.rules.PublishedRules;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.function.BiFunction;

/**
 * Decrees at runtime (docs/rules.md §Publishing): the rules in force with their history, a preview of what a decree
 * changes, and its publication, which goes out in the next trust bundle.
 */
public final class RulesRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A decree is one rule set: a few kilobytes. */
    private static final int MAX_DECREE_BYTES = 256 * 1024;

    private final PublishedRules rules;
    private final BiFunction<String, Decree, PublishedRules.Announced> publisher;

    public RulesRoutes(PublishedRules rules, BiFunction<String, Decree, PublishedRules.Announced> publisher) {
        this.rules = rules;
        this.publisher = publisher;
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        routing.get("/api/v1/rules", guard.require(classes.operator(), this::current, Role.ISSUER_ADMIN, Role.AUDITOR));
        routing.post("/api/v1/rules/preview", guard.require(classes.operator(), this::preview, Role.ISSUER_ADMIN));
        routing.post("/api/v1/rules", guard.require(classes.operator(), this::publish, Role.ISSUER_ADMIN));
    }

    private void current(Principal operator, ServerRequest req, ServerResponse res) {
        ObjectNode json = JSON.createObjectNode();
        json.putObject("venue")
                .put("version", rules.venueVersion())
                .set("document", rules.venue().document());
        json.putObject("medical")
                .put("version", rules.medicalVersion())
                .set("document", rules.medical().document());
        var history = json.putArray("history");
        for (PublishedRules.Version v : rules.history()) {
            history.addObject()
                    .put("kind", v.kind())
                    .put("version", v.version())
                    .put("publishedAt", v.publishedAt().toString())
                    .put("publishedBy", v.publishedBy())
                    .put("summary", v.summary());
        }
        Responses.json(res, 200, json);
    }

    private void preview(Principal operator, ServerRequest req, ServerResponse res) {
        Responses.json(res, 200, previewJson(rules.preview(decree(req))));
    }

    private void publish(Principal operator, ServerRequest req, ServerResponse res) {
        PublishedRules.Announced outcome = publisher.apply(operator.clientId(), decree(req));
        ObjectNode json = previewJson(outcome.published().preview());
        json.put("version", outcome.published().version());
        json.put("bundleVersion", outcome.bundleVersion());
        Responses.json(res, 201, json);
    }

    private static Decree decree(ServerRequest req) {
        JsonNode body = Bodies.json(req, MAX_DECREE_BYTES);
        try {
            return Decree.parse(body);
        } catch (RulesFormatException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** The JSON of a preview; the CLI prints the same fields. */
    static ObjectNode previewJson(PublishedRules.Preview p) {
        ObjectNode json = JSON.createObjectNode()
                .put("kind", p.kind().id())
                .put("ruleSet", p.ruleSetId())
                .put("effectiveFrom", p.effectiveFrom().toString())
                .put("appliesTo", p.currentVersion());
        p.replaces().ifPresent(id -> json.put("replaces", id));
        p.previous().ifPresent(id -> json.put("previous", id));
        p.correction().ifPresent(why -> json.put("correction", why));
        p.changes().forEach(json.putArray("changes")::add);
        return json;
    }
}
