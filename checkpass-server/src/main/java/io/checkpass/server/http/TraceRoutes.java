package io.checkpass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.pass.Serial;
import io.checkpass.core.registry.PersonId;
import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.core.time.IsoInstant;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.checkpass.server.tracing.TraceCsv;
import io.checkpass.server.tracing.TraceRefused;
import io.checkpass.server.tracing.TraceRequest;
import io.checkpass.server.tracing.TraceRequest.Subject;
import io.checkpass.server.tracing.TraceResult;
import io.checkpass.server.tracing.TraceResult.Contact;
import io.checkpass.server.tracing.TraceResult.Encounter;
import io.checkpass.server.tracing.Tracer;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code POST /api/v1/traces} (role tracer, operator route class): runs a trace and answers JSON, or CSV with
 * {@code Accept: text/csv} or {@code ?format=csv}. The body is parsed here, at the edge, into a
 * {@link TraceRequest}; anything wrong with it is a 400 problem. docs/tracing.md describes both formats.
 */
public final class TraceRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 16 * 1024;
    private static final List<String> SUBJECT_FIELDS = List.of("personId", "serial", "phone");

    private final Tracer tracer;

    public TraceRoutes(Tracer tracer) {
        this.tracer = tracer;
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        routing.post("/api/v1/traces", guard.require(classes.operator(), this::trace, Role.TRACER));
    }

    private void trace(Principal tracerClient, ServerRequest req, ServerResponse res) {
        boolean csv = wantsCsv(req);
        TraceRequest request = parse(Bodies.json(req, MAX_BODY), tracerClient.clientId());
        TraceResult result;
        try {
            result = tracer.trace(request);
        } catch (TraceRefused e) {
            throw switch (e.why()) {
                case UNKNOWN_PERSON -> ApiException.notFound("unknown-person", e.getMessage());
                case TOO_MANY_VISITS ->
                    new ApiException(422, "trace-too-large", "The trace matches too many visits", e.getMessage());
            };
        }
        if (csv) {
            res.status(Status.OK_200);
            res.header(HeaderNames.CONTENT_TYPE, TraceCsv.MEDIA_TYPE);
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.header(
                    HeaderNames.CONTENT_DISPOSITION,
                    "attachment; filename=\"trace-" + fileSafe(request.caseId()) + ".csv\"");
            res.send(TraceCsv.write(result).getBytes(StandardCharsets.UTF_8));
        } else {
            Responses.json(res, 200, toJson(result));
        }
    }

    private static boolean wantsCsv(ServerRequest req) {
        Optional<String> format = req.query().first("format").asOptional();
        if (format.isPresent()) {
            return switch (format.get()) {
                case "csv" -> true;
                case "json" -> false;
                default -> throw ApiException.badRequest("format must be json or csv");
            };
        }
        return req.headers()
                .first(HeaderNames.ACCEPT)
                .map(a -> a.toLowerCase(Locale.ROOT).contains("text/csv"))
                .orElse(false);
    }

    /** The body as a request; every problem is a 400 that names the field. */
    static TraceRequest parse(JsonNode body, String tracerId) {
        List<String> given = SUBJECT_FIELDS.stream().filter(body::hasNonNull).toList();
        if (given.size() != 1) {
            throw ApiException.badRequest("give exactly one of personId, serial (24 hex digits) or phone, got "
                    + (given.isEmpty() ? "none" : given));
        }
        try {
            Subject subject = switch (given.getFirst()) {
                case "personId" -> new Subject.Person(PersonId.parse(text(body, "personId")));
                case "serial" -> new Subject.Pass(serial(text(body, "serial")));
                default ->
                    new Subject.Phone(PhoneNumber.parse(text(body, "phone")).orElseThrow());
            };
            OptionalInt dwell = OptionalInt.empty();
            JsonNode dwellNode = body.get("dwellMinutes");
            if (dwellNode != null && !dwellNode.isNull()) {
                if (!dwellNode.canConvertToInt() || !dwellNode.isIntegralNumber()) {
                    throw new IllegalArgumentException("dwellMinutes must be a whole number of minutes (1..720)");
                }
                dwell = OptionalInt.of(dwellNode.intValue());
            }
            return new TraceRequest(
                    tracerId,
                    optionalText(body, "caseId"),
                    optionalText(body, "reason"),
                    subject,
                    instant(body, "from"),
                    instant(body, "to"),
                    dwell);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static Serial serial(String hex) {
        try {
            return Serial.parse(hex.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("serial: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (!node.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return node.asText();
    }

    private static String optionalText(JsonNode body, String field) {
        return body.hasNonNull(field) ? text(body, field) : null;
    }

    private static Instant instant(JsonNode body, String field) {
        if (!body.hasNonNull(field)) {
            throw new IllegalArgumentException(
                    field + " is required: an ISO-8601 instant with offset, e.g. 2021-12-13T00:00:00+09:00");
        }
        try {
            return IsoInstant.parse(text(body, field));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    field + " must be an ISO-8601 instant with offset: " + e.getMessage(), e);
        }
    }

    private static String fileSafe(String caseId) {
        return caseId.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    static ObjectNode toJson(TraceResult result) {
        TraceRequest request = result.request();
        ObjectNode json = JSON.createObjectNode()
                .put("traceId", result.traceId().toString())
                .put("tracedAt", result.tracedAt().toString())
                .put("caseId", request.caseId());
        ObjectNode subject = json.putObject("subject");
        switch (request.subject()) {
            case Subject.Person p -> subject.put("personId", p.personId().value());
            case Subject.Pass s -> subject.put("serial", s.serial().hex());
            case Subject.Phone ph -> subject.put("phone", ph.number().digits());
        }
        json.put("from", request.from().toString())
                .put("to", request.to().toString())
                .put("dwellMinutes", result.dwell().toMinutes());
        var caseVisits = json.putArray("caseVisits");
        for (TraceResult.CaseVisit v : result.caseVisits()) {
            ObjectNode visit = caseVisits
                    .addObject()
                    .put("checkinId", v.checkinId().toString())
                    .put("venueId", v.venueId());
            v.venueName().ifPresent(n -> visit.put("venueName", n));
            visit.put("at", v.at().toString()).put("channel", v.channel().name());
        }
        var contacts = json.putArray("contacts");
        long resolved = 0;
        for (Contact k : result.contacts()) {
            ObjectNode contact = contacts.addObject()
                    .put("identity", k.identity())
                    .put("resolution", k.resolution().id())
                    .put("resolved", k.resolution().resolved());
            k.personId().ifPresent(v -> contact.put("personId", v));
            k.name().ifPresent(v -> contact.put("name", v));
            k.phone().ifPresent(v -> contact.put("phone", v));
            var encounters = contact.putArray("encounters");
            for (Encounter e : k.encounters()) {
                ObjectNode encounter = encounters.addObject().put("venueId", e.venueId());
                e.venueName().ifPresent(n -> encounter.put("venueName", n));
                encounter
                        .put("caseCheckinId", e.caseCheckinId().toString())
                        .put("caseVisitAt", e.caseVisitAt().toString())
                        .put("contactCheckinId", e.contactCheckinId().toString())
                        .put("contactVisitAt", e.contactVisitAt().toString())
                        .put("channel", e.channel().name());
                e.verdict().ifPresent(v -> encounter.put("verdict", v));
                encounter.put("overlapSeconds", e.overlap().toSeconds());
            }
            resolved += k.resolution().resolved() ? 1 : 0;
        }
        json.putObject("counts")
                .put("caseVisits", result.caseVisits().size())
                .put("contacts", result.contacts().size())
                .put("resolved", resolved)
                .put("unresolved", result.contacts().size() - resolved);
        return json;
    }
}
