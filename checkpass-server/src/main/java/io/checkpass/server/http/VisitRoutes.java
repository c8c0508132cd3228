package io.checkpass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.core.rules.VenueRules;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.auth.ClientAdministration;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.checkpass.server.visits.CheckInIngest;
import io.checkpass.server.visits.CheckInJson;
import io.checkpass.server.visits.FraudSignals;
import io.checkpass.server.visits.Retention;
import io.checkpass.server.visits.Venues;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Visit routes: check-in upload, venues and scanners, fraud signals, the retention purge. */
public final class VisitRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VENUE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** 1000 records of a few hundred bytes, with room to spare. */
    private static final int MAX_UPLOAD = 2 * 1024 * 1024;

    private final CheckInIngest ingest;
    private final Venues venues;
    private final ClientAdministration clients;
    private final FraudSignals fraud;
    private final Retention retention;
    private final AuditLog audit;
    private final Supplier<VenueRules> venueRules;
    private final Clock clock;
    private final LoadingCache<String, Optional<String>> scannerVenues;

    public VisitRoutes(
            CheckInIngest ingest,
            Venues venues,
            ClientAdministration clients,
            FraudSignals fraud,
            Retention retention,
            AuditLog audit,
            Supplier<VenueRules> venueRules,
            Clock clock) {
        this.ingest = ingest;
        this.venues = venues;
        this.clients = clients;
        this.fraud = fraud;
        this.retention = retention;
        this.audit = audit;
        this.venueRules = venueRules;
        this.clock = clock;
        this.scannerVenues = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(Duration.ofSeconds(30))
                .build(venues::venueOfScanner);
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        routing.post("/api/v1/checkins", guard.require(classes.ingest(), this::upload, Role.SCANNER));
        routing.post("/api/v1/venues", guard.require(classes.operator(), this::addVenue, Role.ISSUER_ADMIN));
        routing.get(
                "/api/v1/venues", guard.require(classes.operator(), this::listVenues, Role.ISSUER_ADMIN, Role.TRACER));
        routing.post(
                "/api/v1/venues/{venueId}/scanners",
                guard.require(classes.operator(), this::addScanner, Role.ISSUER_ADMIN));
        routing.get("/api/v1/fraud-signals", guard.require(classes.operator(), this::fraudSignals, Role.ISSUER_ADMIN));
        routing.post("/api/v1/retention/purge", guard.require(classes.operator(), this::purge, Role.ISSUER_ADMIN));
    }

    private void upload(Principal scanner, ServerRequest req, ServerResponse res) {
        String venueId = scannerVenues
                .get(scanner.clientId())
                .orElseThrow(() -> new ApiException(
                        403,
                        "not-a-venue-scanner",
                        "Not a venue's scanner",
                        "client '" + scanner.clientId()
                                + "' is not bound to a venue; create scanners with POST /api/v1/venues/{id}/scanners"));
        JsonNode body = Bodies.json(req, MAX_UPLOAD);
        CheckInIngest.Outcome outcome;
        try {
            outcome = ingest.upload(body, venueId, scanner.clientId());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        ObjectNode json =
                JSON.createObjectNode().put("accepted", outcome.accepted()).put("duplicates", outcome.duplicates());
        ArrayNode rejected = json.putArray("rejected");
        for (CheckInJson.Parsed bad : outcome.rejected()) {
            rejected.addObject().put("index", bad.index()).put("id", bad.id()).put("problem", bad.problem());
        }
        // 202: every valid record of the batch is committed; rejected ones will never be, and say why.
        Responses.json(res, 202, json);
    }

    private void addVenue(Principal operator, ServerRequest req, ServerResponse res) {
        JsonNode b = Bodies.json(req, 16 * 1024);
        String venueId = b.path("venueId").asText("");
        if (!VENUE_ID.matcher(venueId).matches()) {
            throw ApiException.badRequest("venueId must be 1..64 of a-z, 0-9, '.', '_', '-'");
        }
        String type = b.path("venueType").asText("");
        if (venueRules.get().venueType(type).isEmpty()) {
            throw ApiException.badRequest("venueType '" + type + "' is not one of "
                    + venueRules.get().venueTypes().keySet());
        }
        Optional<String> callNumber = Optional.empty();
        if (b.hasNonNull("callNumber")) {
            // The canonical digits, as the call-in line reads the number a caller dialled (+82 80… is 080…).
            switch (PhoneNumber.parse(b.path("callNumber").asText())) {
                case PhoneNumber.Valid v -> callNumber = Optional.of(v.phone().digits());
                case PhoneNumber.Refused r -> throw ApiException.badRequest("callNumber: " + r.reason());
            }
        }
        var venue = new Venues.Venue(
                venueId,
                required(b, "businessNumber"),
                required(b, "name"),
                required(b, "address"),
                required(b, "region"),
                type,
                callNumber);
        try {
            venues.add(venue);
        } catch (IllegalArgumentException e) {
            throw new ApiException(409, "venue-exists", "Venue exists", e.getMessage());
        }
        audit.record(
                operator.clientId(),
                "venue-add",
                "venue:" + venueId,
                Map.of("venueType", type, "callNumber", callNumber.orElse("")));
        Responses.json(res, 201, venueJson(venue));
    }

    private void listVenues(Principal operator, ServerRequest req, ServerResponse res) {
        ArrayNode list = JSON.createArrayNode();
        venues.list().forEach(v -> list.add(venueJson(v)));
        Responses.json(res, 200, JSON.createObjectNode().set("venues", list));
    }

    private void addScanner(Principal operator, ServerRequest req, ServerResponse res) {
        String venueId = req.path().pathParameters().get("venueId");
        if (venues.find(venueId).isEmpty()) {
            throw ApiException.notFound("unknown-venue", "no venue '" + venueId + "'");
        }
        JsonNode b = Bodies.json(req, 4 * 1024);
        String scannerId = b.path("scannerId").asText("");
        if (!VENUE_ID.matcher(scannerId).matches()) {
            throw ApiException.badRequest("scannerId must be 1..64 of a-z, 0-9, '.', '_', '-'");
        }
        // The same audited creation as POST /api/v1/clients with role scanner and this venue.
        String secret = clients.create(
                        operator.clientId(),
                        new ClientAdministration.NewClient(
                                scannerId,
                                b.path("label").asText(scannerId),
                                Set.of(Role.SCANNER),
                                Optional.of(venueId)))
                .secret();
        Responses.json(
                res,
                201,
                JSON.createObjectNode()
                        .put("scannerId", scannerId)
                        .put("venueId", venueId)
                        .put("secret", secret)
                        .put(
                                "note",
                                "the secret is shown once; the scanner authenticates with HTTP Basic scannerId:secret"));
    }

    private void fraudSignals(Principal operator, ServerRequest req, ServerResponse res) {
        Instant now = clock.instant();
        ArrayNode list = JSON.createArrayNode();
        for (FraudSignals.Signal s : fraud.list(now.minus(Duration.ofDays(28)), now.plusSeconds(1), 1000)) {
            list.addObject()
                    .put("serial", s.serial())
                    .put("firstVenue", s.firstVenue())
                    .put("firstAt", s.firstAt().toString())
                    .put("secondVenue", s.secondVenue())
                    .put("secondAt", s.secondAt().toString())
                    .put("detectedAt", s.detectedAt().toString());
        }
        Responses.json(res, 200, JSON.createObjectNode().set("signals", list));
    }

    private void purge(Principal operator, ServerRequest req, ServerResponse res) {
        Retention.Purged purged = retention.purge(operator.clientId());
        Responses.json(
                res,
                200,
                JSON.createObjectNode()
                        .put("cutoff", purged.cutoff().toString())
                        .put("visits", purged.visits())
                        .put("ledgerRows", purged.ledgerRows())
                        .put("revocations", purged.revocations())
                        .put("fraudSignals", purged.fraudSignals()));
    }

    private static String required(JsonNode b, String field) {
        String v = b.path(field).asText("");
        if (v.isBlank() || v.length() > 200) {
            throw ApiException.badRequest(field + " is required (1..200 characters)");
        }
        return v;
    }

    private static ObjectNode venueJson(Venues.Venue v) {
        ObjectNode n = JSON.createObjectNode()
                .put("venueId", v.venueId())
                .put("businessNumber", v.businessNumber())
                .put("name", v.name())
                .put("address", v.address())
                .put("region", v.region())
                .put("venueType", v.venueType());
        v.callNumber().ifPresent(c -> n.put("callNumber", c));
        return n;
    }
}
