package io.checkpass.server.compliance;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The door summary of one venue over {@code [from, to)} (docs/compliance.md).
 *
 * @param registeredVenueType       the venue type the venue is registered under
 * @param checksByChannelAndVerdict check-ins by {@code CHANNEL:VERDICT}, e.g. {@code QR:ADMIT}, {@code QR:DENY},
 *                                  {@code MANUAL:} (calls and manual entries carry no verdict)
 * @param denials                   QR checks refused at the door ({@code DENY})
 * @param findings                  what an inspector should look at, each with its evidence; empty for a diligent door
 * @param centreDegraded            whether the centre recorded itself degraded at any time in {@code [from, to)}
 */
public record VenueCompliance(
        String venueId,
        String registeredVenueType,
        Instant from,
        Instant to,
        Map<String, Long> checksByChannelAndVerdict,
        long denials,
        List<Finding> findings,
        boolean centreDegraded) {

    public VenueCompliance {
        checksByChannelAndVerdict = Map.copyOf(checksByChannelAndVerdict);
        findings = List.copyOf(findings);
    }
}
