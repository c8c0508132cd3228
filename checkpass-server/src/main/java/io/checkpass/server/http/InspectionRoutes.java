package io.checkpass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.registry.PersonId;
import io.checkpass.core.rules.VenueRules;
import io.checkpass.core.time.IsoInstant;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.checkpass.server.compliance.VenueCompliance;
import io.checkpass.server.inspection.District;
import io.checkpass.server.inspection.DistrictReports;
import io.checkpass.server.inspection.InspectionService;
import io.checkpass.server.inspection.InspectorScopes;
import io.checkpass.server.inspection.InspectorScopes.Scope;
import io.checkpass.server.inspection.RegisteredVenue;
import io.checkpass.server.inspection.SanctionSchedule;
import io.checkpass.server.inspection.VenueImport;
import io.checkpass.server.inspection.Violation;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Inspections (docs/adr/0020): the inspector page's API (venues of the district, a venue's door, the person behind a
 * user violation, recording an inspection), violations and voids, district reports (JSON and CSV), assigning an
 * inspector's district, and the venue CSV import. Inspectors act within their district; issuer-admins everywhere.
 */
public final class InspectionRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One upload of the console's venue import: a part of a larger file (the console sends it in parts). */
    static final int MAX_IMPORT_BYTES = 4 * 1024 * 1024;

    private static final int SMALL_BODY = 16 * 1024;

    private final InspectionService inspections;
    private final InspectorScopes scopes;
    private final DistrictReports reports;
    private final VenueImport venueImport;
    private final Supplier<VenueRules> venueRules;

    public InspectionRoutes(
            InspectionService inspections,
            InspectorScopes scopes,
            DistrictReports reports,
            VenueImport venueImport,
            Supplier<VenueRules> venueRules) {
        this.inspections = inspections;
        this.scopes = scopes;
        this.reports = reports;
        this.venueImport = venueImport;
        this.venueRules = venueRules;
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        Role[] inspecting = {Role.INSPECTOR, Role.ISSUER_ADMIN};
        routing.get("/api/v1/inspections/schedule", guard.require(classes.operator(), this::schedule, inspecting));
        routing.get("/api/v1/inspections/venues", guard.require(classes.operator(), this::search, inspecting));
        routing.get(
                "/api/v1/inspections/venues/{venueId}/door", guard.require(classes.operator(), this::door, inspecting));
        routing.get(
                "/api/v1/inspections/persons/{personId}", guard.require(classes.operator(), this::person, inspecting));
        routing.post("/api/v1/inspections", guard.require(classes.operator(), this::record, inspecting));
        routing.get("/api/v1/violations/{violationId}", guard.require(classes.operator(), this::violation, inspecting));
        routing.post(
                "/api/v1/violations/{violationId}/void", guard.require(classes.operator(), this::voidFine, inspecting));
        routing.get("/api/v1/reports/districts", guard.require(classes.operator(), this::report, inspecting));
        routing.get("/api/v1/reports/districts.csv", guard.require(classes.operator(), this::reportCsv, inspecting));
        routing.put(
                "/api/v1/inspectors/{clientId}/district",
                guard.require(classes.operator(), this::assign, Role.ISSUER_ADMIN));
        routing.post("/api/v1/venues/import", guard.require(classes.operator(), this::importVenues, Role.ISSUER_ADMIN));
    }

    private void schedule(Principal client, ServerRequest req, ServerResponse res) {
        Scope scope = scopes.scopeOf(client);
        SanctionSchedule.Version v = inspections.scheduleNow();
        ObjectNode json = JSON.createObjectNode()
                .put("version", v.id())
                .put("effectiveFrom", v.effectiveFrom().toString())
                .put("repeatWindow", v.repeatWindow().toString())
                .put("doorWindowHours", inspections.doorWindow().toHours());
        json.set("repeatCounting", text(v.repeatCounting()));
        ArrayNode userFines = json.putArray("userFines");
        v.userFines().forEach(userFines::add);
        ArrayNode operatorFines = json.putArray("operatorFines");
        v.operatorFines().forEach(operatorFines::add);
        ArrayNode orders = json.putArray("operatorOrders");
        v.operatorOrders().forEach(o -> orders.add(order(o)));
        ArrayNode checklist = json.putArray("checklist");
        v.checklist().forEach(i -> checklist.addObject().put("code", i.code()).setAll(text(i.text())));
        scope.district().ifPresent(d -> json.set("district", district(d)));
        Responses.json(res, 200, json);
    }

    private void search(Principal client, ServerRequest req, ServerResponse res) {
        Scope scope = scopes.scopeOf(client);
        String q = req.query().first("q").orElse("").strip();
        if (q.isEmpty() || q.length() > 100) {
            throw ApiException.badRequest("q is required: 1..100 characters of a venue's name or the start of its id");
        }
        ArrayNode list = JSON.createArrayNode();
        inspections.search(scope, q).forEach(v -> list.add(venue(v)));
        Responses.json(res, 200, JSON.createObjectNode().set("venues", list));
    }

    private void door(Principal client, ServerRequest req, ServerResponse res) {
        Scope scope = scopes.scopeOf(client);
        int hours;
        try {
            hours = Integer.parseInt(req.query()
                    .first("hours")
                    .orElse(Long.toString(inspections.doorWindow().toHours())));
        } catch (NumberFormatException e) {
            hours = -1;
        }
        if (hours < 1 || hours > InspectionService.MAX_DOOR_WINDOW.toHours()) {
            throw ApiException.badRequest(
                    "hours must be a whole number 1.." + InspectionService.MAX_DOOR_WINDOW.toHours());
        }
        var door = inspections.door(scope, req.path().pathParameters().get("venueId"), Duration.ofHours(hours));
        ObjectNode json = JSON.createObjectNode()
                .put("from", door.from().toString())
                .put("to", door.to().toString())
                .put("doorLog", door.doorLogAvailable() ? "available" : "none")
                .put("centreDegraded", door.centreDegraded());
        json.set("venue", venue(door.venue()));
        door.summary().ifPresent(s -> json.set("summary", summary(s)));
        Responses.json(res, 200, json);
    }

    private void person(Principal client, ServerRequest req, ServerResponse res) {
        Scope scope = scopes.scopeOf(client);
        PersonId id = CentreRoutes.personId(
                JSON.getNodeFactory().textNode(req.path().pathParameters().get("personId")));
        var p = inspections.person(scope, id);
        Responses.json(
                res,
                200,
                JSON.createObjectNode()
                        .put("personId", p.personId())
                        .put("name", p.name())
                        .put("birthDate", p.birthDate().toString()));
    }

    private void record(Principal client, ServerRequest req, ServerResponse res) {
        Scope scope = scopes.scopeOf(client);
        JsonNode b = Bodies.json(req, SMALL_BODY);
        String venueId = b.path("venueId").asText("");
        if (venueId.isEmpty()) {
            throw ApiException.badRequest("venueId is required");
        }
        Set<String> findings = new HashSet<>();
        for (JsonNode f : b.path("findings")) {
            findings.add(f.asText());
        }
        List<InspectionService.UserViolation> users = new ArrayList<>();
        for (JsonNode u : b.path("userViolations")) {
            String document = u.path("idDocument").asText("");
            if (!CounterRoutes.ID_DOCUMENTS.contains(document)) {
                throw ApiException.badRequest("userViolations[].idDocument must be one of " + CounterRoutes.ID_DOCUMENTS
                        + ": the ID card the inspector checked");
            }
            users.add(new InspectionService.UserViolation(CentreRoutes.personId(u.path("personId")), document));
        }
        var inspection = new InspectionService.NewInspection(
                venueId,
                findings,
                b.path("note").asText(""),
                users,
                b.path("operatorViolation").asBoolean(false));
        InspectionService.Recorded recorded;
        try {
            recorded = inspections.record(scope, inspection);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        ObjectNode json = JSON.createObjectNode()
                .put("inspectionId", recorded.inspectionId().toString())
                .put("inspectorId", recorded.inspectorId())
                .put("inspectedAt", recorded.inspectedAt().toString())
                .put("note", recorded.note())
                .put("centreDegraded", recorded.centreDegraded());
        json.set("venue", venue(recorded.venue()));
        ArrayNode f = json.putArray("findings");
        recorded.findings().forEach(f::add);
        ArrayNode v = json.putArray("violations");
        recorded.violations().forEach(x -> v.add(violation(x)));
        Responses.json(res, 201, json);
    }

    private void violation(Principal client, ServerRequest req, ServerResponse res) {
        Scope scope = scopes.scopeOf(client);
        Responses.json(res, 200, violation(inspections.violation(scope, violationId(req))));
    }

    private void voidFine(Principal client, ServerRequest req, ServerResponse res) {
        Scope scope = scopes.scopeOf(client);
        UUID id = violationId(req);
        JsonNode b = Bodies.json(req, SMALL_BODY);
        try {
            Responses.json(
                    res,
                    200,
                    violation(inspections.voidFine(scope, id, b.path("reason").asText(""))));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private void report(Principal client, ServerRequest req, ServerResponse res) {
        List<DistrictReports.Row> rows = reportRows(client, req);
        ArrayNode list = JSON.createArrayNode();
        for (DistrictReports.Row r : rows) {
            ObjectNode row = list.addObject();
            r.districtCode().ifPresent(code -> row.put("districtCode", code));
            row.put("districtName", r.districtName())
                    .put("day", r.day().toString())
                    .put("inspections", r.inspections())
                    .put("userViolations", r.userViolations())
                    .put("operatorViolations", r.operatorViolations())
                    .put("fines", r.fines())
                    .put("finesKrw", r.finesKrw())
                    .put("voided", r.voided())
                    .put("voidSuggested", r.voidSuggested());
        }
        Responses.json(res, 200, JSON.createObjectNode().set("rows", list));
    }

    private void reportCsv(Principal client, ServerRequest req, ServerResponse res) {
        String csv = DistrictReports.csv(reportRows(client, req));
        res.header(HeaderNames.CONTENT_TYPE, DistrictReports.MEDIA_TYPE);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"district-report.csv\"");
        res.send(csv.getBytes(StandardCharsets.UTF_8));
    }

    private List<DistrictReports.Row> reportRows(Principal client, ServerRequest req) {
        Scope scope = scopes.scopeOf(client);
        LocalDate from;
        LocalDate to;
        try {
            from = IsoInstant.date(req.query().first("from").orElse(""));
            to = IsoInstant.date(req.query().first("to").orElse(""));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(
                    "from and to must be days such as 2021-12-13 (days in Korean time, to inclusive): "
                            + e.getMessage());
        }
        Optional<String> district;
        try {
            district = req.query().first("district").asOptional().map(District::checkCode);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        try {
            return reports.report(scope, district, from, to);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private void assign(Principal admin, ServerRequest req, ServerResponse res) {
        String clientId = req.path().pathParameters().get("clientId");
        JsonNode b = Bodies.json(req, SMALL_BODY);
        District district;
        try {
            district = new District(b.path("code").asText(""), b.path("name").asText(""));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        scopes.assign(admin.clientId(), clientId, district);
        ObjectNode json = JSON.createObjectNode().put("clientId", clientId);
        json.set("district", district(district));
        Responses.json(res, 200, json);
    }

    private void importVenues(Principal admin, ServerRequest req, ServerResponse res) {
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("none");
        if (!type.startsWith("text/csv")) {
            throw new ApiException(
                    415,
                    "unsupported-media-type",
                    "Unsupported media type",
                    "send Content-Type: text/csv, not " + type);
        }
        long firstLine;
        try {
            firstLine = Long.parseLong(req.query().first("firstLine").orElse("1"));
        } catch (NumberFormatException e) {
            firstLine = 0;
        }
        if (firstLine < 1) {
            throw ApiException.badRequest("firstLine must be the line number (1 or more) of the part's first row");
        }
        String name = req.query().first("name").orElse("venues.csv");
        if (name.length() > 200) {
            throw ApiException.badRequest("name (the file's name, for the audit log) is at most 200 characters");
        }
        byte[] body = Bodies.read(req, MAX_IMPORT_BYTES);
        Set<String> types = venueRules.get().venueTypes().keySet().stream()
                .map(t -> t.code())
                .collect(Collectors.toSet());
        var result = venueImport.run(
                admin.clientId(),
                "upload:" + name,
                new ByteArrayInputStream(body),
                types,
                firstLine,
                (bytes, rows) -> {},
                r -> {});
        ObjectNode json = JSON.createObjectNode()
                .put("inserted", result.inserted())
                .put("updated", result.updated())
                .put("unchanged", result.unchanged());
        ArrayNode rejected = json.putArray("rejected");
        result.rejected()
                .forEach(r -> rejected.addObject()
                        .put("line", r.line())
                        .put("ko", r.problem().ko())
                        .put("en", r.problem().en()));
        Responses.json(res, 200, json);
    }

    // ------------------------------------------------------------------------------------------------------------

    private static UUID violationId(ServerRequest req) {
        try {
            return UUID.fromString(req.path().pathParameters().get("violationId"));
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("unknown-violation", "a violation id is a UUID");
        }
    }

    private ObjectNode violation(Violation v) {
        ObjectNode json = JSON.createObjectNode()
                .put("violationId", v.violationId().toString())
                .put("inspectionId", v.inspectionId().toString())
                .put("kind", v.offender().id())
                .put("venueId", v.venueId());
        if (v.districtCode() != null) {
            json.put("districtCode", v.districtCode());
        }
        v.personId().ifPresent(p -> json.put("personId", p));
        v.idDocument().ifPresent(d -> json.put("idDocument", d));
        json.put("occurredAt", v.occurredAt().toString())
                .put("scheduleVersion", v.scheduleVersion())
                .put("repeatNumber", v.repeatNumber())
                .put("fineKrw", v.fineKrw());
        var version = inspections.schedule().version(v.scheduleVersion());
        version.ifPresent(s -> json.put("basis", s.basis(v.offender())));
        v.orderCode().flatMap(code -> version.flatMap(s -> s.order(code))).ifPresent(o -> json.set("order", order(o)));
        v.voidSuggested()
                .ifPresent(s -> json.set(
                        "voidSuggested",
                        JSON.createObjectNode()
                                .put("code", Violation.CENTRE_DEGRADED)
                                .setAll(text(s))));
        v.voided()
                .ifPresent(x -> json.putObject("voided")
                        .put("at", x.at().toString())
                        .put("by", x.by())
                        .put("reason", x.reason()));
        return json;
    }

    private static ObjectNode order(SanctionSchedule.Order o) {
        ObjectNode json = JSON.createObjectNode().put("code", o.code());
        o.period().ifPresent(p -> json.put("period", p.toString()));
        return json.setAll(text(o.text()));
    }

    private static ObjectNode text(SanctionSchedule.Text t) {
        return JSON.createObjectNode().put("ko", t.ko()).put("en", t.en());
    }

    private static ObjectNode district(District d) {
        return JSON.createObjectNode().put("code", d.code()).put("name", d.name());
    }

    private static ObjectNode venue(RegisteredVenue v) {
        ObjectNode json = JSON.createObjectNode()
                .put("venueId", v.venueId())
                .put("businessNumber", v.businessNumber())
                .put("name", v.name())
                .put("address", v.address())
                .put("region", v.region())
                .put("venueType", v.venueType());
        v.district().ifPresent(d -> json.set("district", district(d)));
        v.operatorName().ifPresent(n -> json.put("operatorName", n));
        v.operatorPhone().ifPresent(p -> json.put("operatorPhone", p));
        return json;
    }

    private static ObjectNode summary(VenueCompliance s) {
        ObjectNode json = JSON.createObjectNode()
                .put("registeredVenueType", s.registeredVenueType())
                .put("denials", s.denials())
                .put("centreDegraded", s.centreDegraded());
        ObjectNode checks = json.putObject("checksByChannelAndVerdict");
        s.checksByChannelAndVerdict().forEach(checks::put);
        ArrayNode findings = json.putArray("findings");
        s.findings().forEach(f -> findings.addObject().put("code", f.code()).put("detail", f.detail()));
        return json;
    }
}
