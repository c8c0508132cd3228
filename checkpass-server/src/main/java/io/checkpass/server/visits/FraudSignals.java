package io.checkpass.server.visits;

import io.checkpass.core.pass.Serial;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Flags the same serial checked in at two different venues within a few minutes (a copied QR, or a phone
 * handed over). Each stored batch is examined once, after it is committed, with one indexed query over the
 * batch's serials and the minutes around it: the cost follows the arrival rate, never the table size.
 */
public final class FraudSignals {
    /** One flag. */
    public record Signal(
            String serial,
            String firstVenue,
            Instant firstAt,
            String secondVenue,
            Instant secondAt,
            Instant detectedAt) {}

    private final DataSource db;
    private final Clock clock;
    private final Duration window;

    public FraudSignals(DataSource db, Clock clock, Duration window) {
        this.db = db;
        this.clock = clock;
        this.window = window;
    }

    /** Records a signal for every pair involving a serial of the batch; returns how many are new. */
    public int examine(List<CheckIn> batch) {
        List<byte[]> serials = new ArrayList<>();
        Instant earliest = null;
        Instant latest = null;
        for (CheckIn c : batch) {
            if (c.serial().isPresent()) {
                serials.add(c.serial().get().bytes());
                earliest = earliest == null || c.scannedAt().isBefore(earliest) ? c.scannedAt() : earliest;
                latest = latest == null || c.scannedAt().isAfter(latest) ? c.scannedAt() : latest;
            }
        }
        if (serials.isEmpty()) {
            return 0;
        }
        // One probe of the (serial, scanned_at) index per serial; pairs are found here, not by a self-join.
        Map<Serial, List<Sighting>> sightings = new HashMap<>();
        try (Connection c = db.getConnection()) {
            try (PreparedStatement s = c.prepareStatement(
                    "select serial, venue_id, scanned_at from checkin where serial = any(?) and scanned_at >= ? and scanned_at <= ?")) {
                s.setArray(1, c.createArrayOf("bytea", serials.toArray(new byte[0][])));
                s.setTimestamp(2, Timestamp.from(earliest.minus(window)));
                s.setTimestamp(3, Timestamp.from(latest.plus(window)));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        sightings
                                .computeIfAbsent(Serial.fromBytes(r.getBytes(1)), k -> new ArrayList<>())
                                .add(new Sighting(
                                        r.getString(2), r.getTimestamp(3).toInstant()));
                    }
                }
            }
            List<Signal> found = pairs(sightings);
            if (found.isEmpty()) {
                return 0;
            }
            try (PreparedStatement s = c.prepareStatement("""
                    insert into fraud_signal (serial, first_venue, first_at, second_venue, second_at, detected_at)
                    values (?, ?, ?, ?, ?, ?) on conflict do nothing""")) {
                for (Signal signal : found) {
                    s.setBytes(1, Serial.parse(signal.serial()).bytes());
                    s.setString(2, signal.firstVenue());
                    s.setTimestamp(3, Timestamp.from(signal.firstAt()));
                    s.setString(4, signal.secondVenue());
                    s.setTimestamp(5, Timestamp.from(signal.secondAt()));
                    s.setTimestamp(6, Timestamp.from(signal.detectedAt()));
                    s.addBatch();
                }
                int inserted = 0;
                for (int n : s.executeBatch()) {
                    inserted += Math.max(0, n);
                }
                return inserted;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("fraud examination failed", e);
        }
    }

    private record Sighting(String venue, Instant at) {}

    /** Signals recorded per examination at most: a QR copied to a thousand doors is one story, not a million rows. */
    static final int MAX_SIGNALS_PER_EXAMINATION = 1000;

    /**
     * For each sighting, the next sighting of the same serial at another venue within the window: linear in the
     * sightings (a serial seen n times yields at most n − 1 signals, never n²), and capped per examination.
     */
    private List<Signal> pairs(Map<Serial, List<Sighting>> sightings) {
        Instant now = clock.instant();
        List<Signal> out = new ArrayList<>();
        for (var entry : sightings.entrySet()) {
            List<Sighting> list = entry.getValue();
            if (list.size() < 2) {
                continue;
            }
            list.sort(Comparator.comparing(Sighting::at));
            for (int i = 0; i < list.size() - 1 && out.size() < MAX_SIGNALS_PER_EXAMINATION; i++) {
                Sighting first = list.get(i);
                for (int j = i + 1;
                        j < list.size() && !list.get(j).at().isAfter(first.at().plus(window));
                        j++) {
                    Sighting second = list.get(j);
                    if (!second.venue().equals(first.venue()) && second.at().isAfter(first.at())) {
                        out.add(new Signal(
                                entry.getKey().hex(), first.venue(), first.at(), second.venue(), second.at(), now));
                        break;
                    }
                }
            }
        }
        return out;
    }

    /** Signals detected in [from, to), newest first. */
    public List<Signal> list(Instant from, Instant to, int limit) {
        List<Signal> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        select serial, first_venue, first_at, second_venue, second_at, detected_at from fraud_signal
                        where second_at >= ? and second_at < ? order by second_at desc limit ?""")) {
            s.setTimestamp(1, Timestamp.from(from));
            s.setTimestamp(2, Timestamp.from(to));
            s.setInt(3, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Signal(
                            Serial.fromBytes(r.getBytes(1)).hex(),
                            r.getString(2),
                            r.getTimestamp(3).toInstant(),
                            r.getString(4),
                            r.getTimestamp(5).toInstant(),
                            r.getTimestamp(6).toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read fraud signals", e);
        }
    }
}
