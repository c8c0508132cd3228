package io.checkpass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.registry.HealthRecord;
import io.checkpass.core.status.StatusEngine;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.checkpass.server.issuance.IssuanceService;
import io.checkpass.server.issuance.IssueOutcome;
import io.checkpass.server.issuance.PassOrder;
import io.checkpass.server.json.CredentialJson;
import io.checkpass.server.registry.Registry;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The counter of a community or health centre (docs/rules.md §Paper passes): a clerk looks a person up, checks their
 * ID card, and prints a paper pass that lasts for the person's status window. Every lookup and every ID check is
 * audited with the clerk's client id.
 */
public final class CounterRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SMALL_BODY = 4 * 1024;
    /** The documents a clerk may check. */
    static final Set<String> ID_DOCUMENTS = Set.of("resident-card", "driver-licence", "passport", "alien-card");

    private final Registry registry;
    private final StatusEngine statusEngine;
    private final IssuanceService issuance;
    private final AuditLog audit;
    private final Clock clock;

    public CounterRoutes(
            Registry registry, StatusEngine statusEngine, IssuanceService issuance, AuditLog audit, Clock clock) {
        this.registry = registry;
        this.statusEngine = statusEngine;
        this.issuance = issuance;
        this.audit = audit;
        this.clock = clock;
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        routing.get(
                "/api/v1/counter/persons/{personId}",
                guard.require(classes.operator(), this::lookUp, Role.COUNTER_CLERK));
        routing.post("/api/v1/counter/passes", guard.require(classes.operator(), this::print, Role.COUNTER_CLERK));
    }

    /** The name, birth date and status now, for the clerk to compare with the ID card. */
    private void lookUp(Principal clerk, ServerRequest req, ServerResponse res) {
        String personId = CentreRoutes.personId(JSON.getNodeFactory()
                        .textNode(req.path().pathParameters().get("personId")))
                .value();
        HealthRecord record = registry.find(personId)
                .orElseThrow(() ->
                        ApiException.notFound("unknown-person", "the registry holds no person '" + personId + "'"));
        audit.record(clerk.clientId(), "counter-lookup", "person:" + personId, Map.of());
        ObjectNode json = JSON.createObjectNode()
                .put("personId", personId)
                .put("name", record.person().name())
                .put("birthDate", record.person().birthDate().toString());
        statusEngine.decide(record, clock.instant()).ifPresent(d -> {
            ObjectNode status = json.putObject("statusNow")
                    .put("status", d.statusAt(clock.instant()).id())
                    .put("validFrom", d.validFrom().toString());
            d.validUntil().ifPresent(t -> status.put("validUntil", t.toString()));
            status.putObject("explanation")
                    .put("ko", d.explanation().ko())
                    .put("en", d.explanation().en());
        });
        Responses.json(res, 200, json);
    }

    /** Records the ID check, then issues (or re-serves) the person's paper pass. */
    private void print(Principal clerk, ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.json(req, SMALL_BODY);
        String personId = CentreRoutes.personId(body.path("personId")).value();
        String document = body.path("idDocument").asText("");
        if (!ID_DOCUMENTS.contains(document)) {
            throw ApiException.badRequest(
                    "idDocument must be one of " + ID_DOCUMENTS + ": the ID card the clerk checked");
        }
        if (!body.path("idChecked").asBoolean(false)) {
            throw ApiException.badRequest(
                    "idChecked must be true: compare the ID card's name and birth date with the registry's first");
        }
        audit.record(clerk.clientId(), "counter-id-check", "person:" + personId, Map.of("idDocument", document));
        IssueOutcome outcome = issuance.issue(clerk.clientId(), new PassOrder(personId, Optional.empty()));
        Responses.json(res, outcome.reused() ? 200 : 201, CredentialJson.toJson(outcome));
    }
}
