package io.checkpass.server.compliance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** A door summary as JSON, the same for the API and the CLI (docs/api.yaml, {@code VenueCompliance}). */
public final class ComplianceJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ComplianceJson() {}

    public static ObjectNode of(VenueCompliance v, List<ComplianceService.DegradedInterval> degraded) {
        ObjectNode n = JSON.createObjectNode()
                .put("venueId", v.venueId())
                .put("registeredVenueType", v.registeredVenueType())
                .put("from", v.from().toString())
                .put("to", v.to().toString());
        ObjectNode checks = n.putObject("checksByChannelAndVerdict");
        v.checksByChannelAndVerdict().entrySet().stream()
                .sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> checks.put(e.getKey(), e.getValue()));
        n.put("denials", v.denials());
        ArrayNode findings = n.putArray("findings");
        for (Finding f : v.findings()) {
            findings.addObject().put("code", f.code()).put("detail", f.detail());
        }
        n.put("centreDegraded", v.centreDegraded());
        ArrayNode intervals = n.putArray("degradedIntervals");
        for (ComplianceService.DegradedInterval d : degraded) {
            intervals
                    .addObject()
                    .put("cause", d.cause())
                    .put("node", d.node())
                    .put("from", d.startedAt().toString())
                    .put("to", d.endedAt().toString())
                    .put("events", d.events())
                    .put("detail", d.detail());
        }
        return n;
    }
}
