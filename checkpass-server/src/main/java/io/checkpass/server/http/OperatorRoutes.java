package io.checkpass.server.http;

import static io.checkpass.core.time.KoreaTime.KST;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.time.IsoInstant;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.checkpass.server.visits.CheckInStats;
import io.checkpass.server.visits.Venues;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/**
 * What the pages need beyond the API they drive: who a signed-in client is, the console's check-in
 * statistics, and the purge history.
 */
public final class OperatorRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Venues venues;
    private final CheckInStats stats;
    private final AuditLog audit;
    private final Clock clock;

    public OperatorRoutes(Venues venues, CheckInStats stats, AuditLog audit, Clock clock) {
        this.venues = venues;
        this.stats = stats;
        this.audit = audit;
        this.clock = clock;
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        routing.get("/api/v1/me", guard.require(classes.operator(), this::me, Role.values()));
        routing.get(
                "/api/v1/stats/checkins",
                guard.require(classes.operator(), this::checkins, Role.ISSUER_ADMIN, Role.TRACER, Role.MONITORING));
        routing.get("/api/v1/retention/purges", guard.require(classes.operator(), this::purges, Role.ISSUER_ADMIN));
    }

    /** The signed-in client: its roles, and for a scanner the venue it serves. Pages call it to check a sign-in. */
    private void me(Principal client, ServerRequest req, ServerResponse res) {
        ObjectNode json =
                JSON.createObjectNode().put("clientId", client.clientId()).put("displayName", client.displayName());
        ArrayNode roles = json.putArray("roles");
        client.roles().stream().map(Role::id).sorted().forEach(roles::add);
        if (client.has(Role.SCANNER)) {
            venues.venueOfScanner(client.clientId())
                    .flatMap(venues::find)
                    .ifPresent(v -> json.putObject("venue")
                            .put("venueId", v.venueId())
                            .put("name", v.name())
                            .put("venueType", v.venueType()));
        }
        json.put("serverTime", clock.instant().toString());
        Responses.json(res, 200, json);
    }

    private void checkins(Principal operator, ServerRequest req, ServerResponse res) {
        LocalDate day;
        try {
            day = req.query()
                    .first("day")
                    .asOptional()
                    .map(IsoInstant::date)
                    .orElseGet(() -> clock.instant().atZone(KST).toLocalDate());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(
                    "day must be a date such as 2021-12-13 (a day in Korean time): " + e.getMessage());
        }
        CheckInStats.Day d = stats.day(day);
        ObjectNode json = JSON.createObjectNode()
                .put("day", d.day().toString())
                .put("from", d.from().toString())
                .put("to", d.to().toString())
                .put("total", d.total());
        ArrayNode minutes = json.putArray("perMinute");
        for (CheckInStats.Minute m : d.minutes()) {
            minutes.addObject()
                    .put("minute", m.start().toString())
                    .put("count", m.count())
                    .put("lagP50Seconds", m.lagP50())
                    .put("lagP95Seconds", m.lagP95());
        }
        ObjectNode verdicts = json.putObject("verdicts");
        d.verdicts().forEach(verdicts::put);
        ObjectNode channels = json.putObject("channels");
        d.channels().forEach(channels::put);
        json.putObject("lag")
                .put("p50Seconds", d.lag().p50())
                .put("p90Seconds", d.lag().p90())
                .put("p99Seconds", d.lag().p99())
                .put("maxSeconds", d.lag().max());
        Responses.json(res, 200, json);
    }

    /** Past purges from the audit log: counts only, as the purge recorded them. */
    private void purges(Principal operator, ServerRequest req, ServerResponse res) {
        Instant now = clock.instant();
        ArrayNode list = JSON.createArrayNode();
        for (AuditLog.Entry e :
                audit.read(now.minus(Duration.ofDays(365)), now.plusSeconds(1), 100, Optional.of("purge"))) {
            list.addObject()
                    .put("at", e.at().toString())
                    .put("actor", e.actor())
                    .put("subject", e.subject())
                    .set("detail", JSON.valueToTree(e.detail()));
        }
        Responses.json(res, 200, JSON.createObjectNode().set("purges", list));
    }
}
