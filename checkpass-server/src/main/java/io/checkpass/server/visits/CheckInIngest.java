package io.checkpass.server.visits;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Check-in uploads: parse each record at the edge, store the valid ones durably in one transaction, then look
 * for fraud signals off the response path. Fraud examination is best effort under overload: it runs on a bounded
 * queue, and a batch that finds the queue full is not examined (and counted) — check-ins themselves are never
 * dropped. Records that can never be stored (malformed) are returned with
 * their problem so the scanner can drop them from its queue and show them; nothing valid is refused for a
 * neighbour's sake.
 */
public final class CheckInIngest {
    private static final Logger log = LoggerFactory.getLogger(CheckInIngest.class);

    private final CheckInLog visits;
    private final FraudSignals fraud;
    private final Executor background;
    private final Clock clock;

    public CheckInIngest(CheckInLog visits, FraudSignals fraud, Executor background, Clock clock) {
        this.visits = visits;
        this.fraud = fraud;
        this.background = background;
        this.clock = clock;
    }

    /** What an upload did. */
    public record Outcome(int accepted, int duplicates, List<CheckInJson.Parsed> rejected) {}

    public Outcome upload(JsonNode body, String venueId, String scannerId) {
        List<CheckInJson.Parsed> parsed = CheckInJson.parse(body, venueId, scannerId, clock.instant());
        List<CheckIn> valid = new ArrayList<>(parsed.size());
        List<CheckInJson.Parsed> rejected = new ArrayList<>();
        for (CheckInJson.Parsed p : parsed) {
            if (p.checkIn() != null) {
                valid.add(p.checkIn());
            } else {
                rejected.add(p);
            }
        }
        CheckInLog.Stored stored = append(valid);
        return new Outcome(stored.inserted(), stored.duplicates(), rejected);
    }

    /** Stores records that came in another way (the 안심콜 line) with the same after-care. */
    public CheckInLog.Stored append(List<CheckIn> valid) {
        CheckInLog.Stored stored = visits.append(valid);
        if (stored.inserted() > 0) {
            background.execute(() -> {
                try {
                    fraud.examine(valid);
                } catch (RuntimeException e) {
                    log.warn("fraud examination of {} check-ins failed: {}", valid.size(), e.getMessage());
                }
            });
        }
        return stored;
    }
}
