package io.checkpass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.pass.Serial;
import io.checkpass.core.registry.HealthRecord;
import io.checkpass.core.registry.PersonId;
import io.checkpass.core.status.StatusEngine;
import io.checkpass.core.time.IsoInstant;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.checkpass.server.issuance.IssuanceService;
import io.checkpass.server.issuance.IssueOutcome;
import io.checkpass.server.json.CredentialJson;
import io.checkpass.server.registry.Registry;
import io.checkpass.server.trust.RevocationService;
import io.checkpass.server.trust.TrustBundleService;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The centre's routes: trust bundle, issuance, revocation, person lookup, audit. */
public final class CentreRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SMALL_BODY = 16 * 1024;

    private final TrustBundleService bundles;
    private final IssuanceService issuance;
    private final RevocationService revocations;
    private final Registry registry;
    private final StatusEngine statusEngine;
    private final AuditLog audit;
    private final Es256 es256;
    private final Clock clock;

    public CentreRoutes(
            TrustBundleService bundles,
            IssuanceService issuance,
            RevocationService revocations,
            Registry registry,
            StatusEngine statusEngine,
            AuditLog audit,
            Es256 es256,
            Clock clock) {
        this.bundles = bundles;
        this.issuance = issuance;
        this.revocations = revocations;
        this.registry = registry;
        this.statusEngine = statusEngine;
        this.audit = audit;
        this.es256 = es256;
        this.clock = clock;
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        routing.get("/api/v1/trust-bundle", classes.publicReads().guard(this::trustBundle));
        routing.get("/api/v1/trust-anchor", classes.publicReads().guard(this::trustAnchor));
        routing.post("/api/v1/passes", guard.require(classes.issuance(), this::issue, Role.WALLET_PROVIDER));
        routing.post("/api/v1/revocations", guard.require(classes.operator(), this::revoke, Role.ISSUER_ADMIN));
        routing.post(
                "/api/v1/revocation-lifts", guard.require(classes.operator(), this::liftRevocation, Role.ISSUER_ADMIN));
        routing.get(
                "/api/v1/persons/{personId}",
                guard.require(classes.operator(), this::person, Role.ISSUER_ADMIN, Role.TRACER));
        routing.get("/api/v1/audit", guard.require(classes.operator(), this::auditLog, Role.AUDITOR));
    }

    /** Public and cacheable: the only thing a scanner must download. */
    private void trustBundle(ServerRequest req, ServerResponse res) {
        TrustBundleService.Published bundle = bundles.current();
        res.header(HeaderNames.ETAG, bundle.etag());
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=30");
        res.header("X-Checkpass-Bundle-Version", Long.toString(bundle.version()));
        res.header("X-Checkpass-Server-Time", clock.instant().toString());
        String ifNoneMatch = req.headers().first(HeaderNames.IF_NONE_MATCH).orElse("");
        if (etagMatches(ifNoneMatch, bundle.etag())) {
            res.status(Status.NOT_MODIFIED_304);
            res.send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/cose");
        res.send(bundle.signed());
    }

    private static boolean etagMatches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private void trustAnchor(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/x-pem-file");
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=3600");
        res.send(bundles.anchorPem());
    }

    private void issue(Principal client, ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.json(req, SMALL_BODY);
        IssueOutcome outcome =
                issuance.issue(client.clientId(), PassOrderJson.read(personId(body.path("personId")), body, es256));
        Responses.json(res, outcome.reused() ? 200 : 201, CredentialJson.toJson(outcome));
    }

    private void revoke(Principal operator, ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.json(req, SMALL_BODY);
        String reason = reason(body);
        RevocationService.Revoked revoked;
        if (body.hasNonNull("serial") == body.hasNonNull("personId")) {
            throw ApiException.badRequest("give exactly one of serial (24 hex digits) or personId");
        }
        if (body.hasNonNull("serial")) {
            Serial serial;
            try {
                serial = Serial.parse(body.path("serial").asText().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("serial: " + e.getMessage());
            }
            revoked = revocations.revokeSerial(operator.clientId(), serial, reason);
        } else {
            revoked = revocations.revokePerson(
                    operator.clientId(), personId(body.path("personId")).value(), reason);
        }
        ObjectNode json = JSON.createObjectNode().put("bundleVersion", revoked.bundleVersion());
        revoked.serials().forEach(json.putArray("revoked")::add);
        Responses.json(res, 201, json);
    }

    /** Lifts a person's revocation: issuance resumes; the revoked serials stay revoked. */
    private void liftRevocation(Principal operator, ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.json(req, SMALL_BODY);
        String reason = reason(body);
        String personId = personId(body.path("personId")).value();
        revocations.liftPerson(operator.clientId(), personId, reason);
        Responses.json(
                res, 200, JSON.createObjectNode().put("personId", personId).put("lifted", true));
    }

    private static String reason(JsonNode body) {
        String reason = body.path("reason").asText("");
        if (reason.isBlank() || reason.length() > 500) {
            throw ApiException.badRequest("reason is required (1..500 characters): it goes into the audit log");
        }
        return reason;
    }

    private void person(Principal operator, ServerRequest req, ServerResponse res) {
        String personId = personId(JSON.getNodeFactory()
                        .textNode(req.path().pathParameters().get("personId")))
                .value();
        HealthRecord record = registry.find(personId)
                .orElseThrow(() ->
                        ApiException.notFound("unknown-person", "the registry holds no person '" + personId + "'"));
        audit.record(operator.clientId(), "person-lookup", "person:" + personId, Map.of());
        ObjectNode json = JSON.valueToTree(Map.of(
                "personId", record.person().personId(),
                "name", record.person().name(),
                "birthDate", record.person().birthDate().toString(),
                "immunizations", record.immunizations().size(),
                "tests", record.tests().size(),
                "recoveries", record.recoveries().size(),
                "exemptions", record.exemptions().size()));
        statusEngine.decide(record, clock.instant()).ifPresent(d -> {
            ObjectNode status = json.putObject("statusNow")
                    .put("status", d.status().id())
                    .put("validFrom", d.validFrom().toString())
                    .put("ruleSet", d.ruleSetId());
            d.validUntil().ifPresent(t -> status.put("validUntil", t.toString()));
            status.putObject("explanation")
                    .put("ko", d.explanation().ko())
                    .put("en", d.explanation().en());
        });
        Responses.json(res, 200, json);
    }

    private void auditLog(Principal auditor, ServerRequest req, ServerResponse res) {
        Instant now = clock.instant();
        Instant from = instantParam(req, "from", now.minus(Duration.ofDays(1)));
        Instant to = instantParam(req, "to", now.plusSeconds(1));
        int limit;
        try {
            limit = Integer.parseInt(req.query().first("limit").orElse("200"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit must be an integer");
        }
        if (limit < 1 || limit > 5000) {
            throw ApiException.badRequest("limit must be 1..5000");
        }
        Optional<String> action = req.query().first("action").asOptional();
        if (action.isPresent() && !action.get().matches("[a-z][a-z0-9-]{0,39}")) {
            throw ApiException.badRequest("action must be an action name such as purge or trace-resolve");
        }
        var entries = JSON.createArrayNode();
        for (AuditLog.Entry e : audit.read(from, to, limit, action)) {
            entries.addObject()
                    .put("id", e.id())
                    .put("at", e.at().toString())
                    .put("actor", e.actor())
                    .put("action", e.action())
                    .put("subject", e.subject())
                    .set("detail", JSON.valueToTree(e.detail()));
        }
        Responses.json(res, 200, JSON.createObjectNode().set("entries", entries));
    }

    static Instant instantParam(ServerRequest req, String name, Instant fallback) {
        var value = req.query().first(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return IsoInstant.parse(value.get());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(name + " must be an ISO-8601 instant with offset: " + e.getMessage());
        }
    }

    static PersonId personId(JsonNode node) {
        if (!node.isTextual()) {
            throw ApiException.badRequest("personId is required: a string of 1..64 letters, digits, '.', '_' or '-'");
        }
        try {
            return PersonId.parse(node.asText());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("personId: " + e.getMessage());
        }
    }
}
