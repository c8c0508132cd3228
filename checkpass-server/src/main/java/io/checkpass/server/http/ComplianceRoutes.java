package io.checkpass.server.http;

import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.checkpass.server.compliance.ComplianceJson;
import io.checkpass.server.compliance.ComplianceService;
import io.checkpass.server.compliance.VenueCompliance;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/** The door summary of a venue: {@code GET /api/v1/venues/{venueId}/compliance} (docs/compliance.md). */
public final class ComplianceRoutes {
    private static final Pattern VENUE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** Without {@code from}: "the last hours" an inspector on site asks about. */
    static final Duration DEFAULT_PERIOD = Duration.ofHours(6);

    private final ComplianceService compliance;
    private final Clock clock;

    public ComplianceRoutes(ComplianceService compliance, Clock clock) {
        this.compliance = compliance;
        this.clock = clock;
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        // Operators see every venue; an inspector reads a venue's door through InspectionRoutes, scoped to their
        // district.
        routing.get(
                "/api/v1/venues/{venueId}/compliance",
                guard.require(classes.operator(), this::summary, Role.ISSUER_ADMIN));
    }

    private void summary(Principal caller, ServerRequest req, ServerResponse res) {
        String venueId = req.path().pathParameters().get("venueId");
        if (!VENUE_ID.matcher(venueId).matches()) {
            throw ApiException.badRequest("venueId must be 1..64 of a-z, 0-9, '.', '_', '-'");
        }
        Instant to = CentreRoutes.instantParam(req, "to", clock.instant());
        Instant from = CentreRoutes.instantParam(req, "from", to.minus(DEFAULT_PERIOD));
        if (!from.isBefore(to)) {
            throw ApiException.badRequest("from must be before to");
        }
        if (Duration.between(from, to).compareTo(ComplianceService.MAX_PERIOD) > 0) {
            throw ApiException.badRequest(
                    "from and to are at most " + ComplianceService.MAX_PERIOD.toDays() + " days apart");
        }
        VenueCompliance summary = compliance
                .summarise(venueId, from, to)
                .orElseThrow(() -> ApiException.notFound("unknown-venue", "no venue '" + venueId + "'"));
        Responses.json(res, 200, ComplianceJson.of(summary, compliance.degradedIntervals(from, to)));
    }
}
