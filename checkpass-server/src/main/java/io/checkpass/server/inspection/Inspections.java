package io.checkpass.server.inspection;

import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.auth.ClientAdministration;
import io.checkpass.server.registry.Registry;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Everything of inspections, built over the centre's stores: the service, inspectors' scopes, district reports and
 * the venue import. The composition root makes one; commands that need a part make that part alone.
 *
 * @param identity the identity side's pool: inspections, violations, scopes, reports
 * @param visits   the visits side's pool: venue registration
 */
public record Inspections(
        InspectionService service, InspectorScopes scopes, DistrictReports reports, VenueImport venueImport) {

    /** The hours before an inspection its door summary and the degraded check cover. */
    public static final Duration DOOR_WINDOW = Duration.ofHours(3);

    public static Inspections open(
            DataSource identity,
            DataSource visits,
            Registry registry,
            ClientAdministration clients,
            AuditLog audit,
            AuditLog visitsAudit,
            DoorEvidence door,
            Clock clock) {
        return new Inspections(
                new InspectionService(
                        identity,
                        registry,
                        new VenueDirectory(identity),
                        SanctionSchedule.packaged(),
                        door,
                        audit,
                        clock,
                        DOOR_WINDOW),
                new InspectorScopes(identity, clients, audit),
                new DistrictReports(identity),
                new VenueImport(visits, visitsAudit));
    }
}
