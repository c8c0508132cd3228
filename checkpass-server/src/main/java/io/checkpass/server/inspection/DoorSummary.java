package io.checkpass.server.inspection;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A venue's door over a period, as the compliance summary gives it (kept field for field like
 * {@code compliance.VenueCompliance}, so the bridge is a copy).
 *
 * @param checksByChannelAndVerdict counts keyed {@code CHANNEL/VERDICT}, e.g. {@code QR/ADMIT}
 * @param findings                  what the summary flags: a code and its evidence
 * @param centreDegraded            whether the centre was degraded at any time in the period
 */
public record DoorSummary(
        String venueId,
        String registeredVenueType,
        Instant from,
        Instant to,
        Map<String, Long> checksByChannelAndVerdict,
        long denials,
        List<Finding> findings,
        boolean centreDegraded) {

    public DoorSummary {
        checksByChannelAndVerdict = Map.copyOf(checksByChannelAndVerdict);
        findings = List.copyOf(findings);
    }

    /** code: e.g. NO_SCANS_WHILE_OPEN, WRONG_VENUE_TYPE, SCANNER_OFFLINE, CENTRE_DEGRADED; detail: the evidence. */
    public record Finding(String code, String detail) {}
}
