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
import java.util.List;
import javax.sql.DataSource;

/**
 * Flags the same serial checked in at two different venues within a few minutes (a copied QR, or a phone
 * handed over). Each stored batch is examined once, after it is committed, with one indexed query over the
 * batch's serials and the minutes around it: the cost follows the arrival rate, never the table size.
 */
public final class FraudSignals {
    /** One flag. */
    public record Signal(String serial, String firstVenue, Instant firstAt, String secondVenue, Instant secondAt, Instant detectedAt) {}

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
        Instant from = earliest.minus(window);
        Instant to = latest.plus(window);
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        insert into fraud_signal (serial, first_venue, first_at, second_venue, second_at, detected_at)
                        select a.serial, a.venue_id, a.scanned_at, b.venue_id, b.scanned_at, ?
                        from checkin a
                        join checkin b on b.serial = a.serial and b.venue_id <> a.venue_id
                             and b.scanned_at > a.scanned_at and b.scanned_at <= a.scanned_at + ?::interval
                        where a.serial = any(?) and a.scanned_at >= ? and a.scanned_at <= ?
                          and b.scanned_at >= ? and b.scanned_at <= ?
                        on conflict do nothing""")) {
            s.setTimestamp(1, Timestamp.from(clock.instant()));
            s.setString(2, window.toSeconds() + " seconds");
            s.setArray(3, c.createArrayOf("bytea", serials.toArray(new byte[0][])));
            s.setTimestamp(4, Timestamp.from(from));
            s.setTimestamp(5, Timestamp.from(to));
            s.setTimestamp(6, Timestamp.from(from));
            s.setTimestamp(7, Timestamp.from(to));
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("fraud examination failed", e);
        }
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
                    out.add(new Signal(Serial.fromBytes(r.getBytes(1)).hex(), r.getString(2), r.getTimestamp(3).toInstant(),
                            r.getString(4), r.getTimestamp(5).toInstant(), r.getTimestamp(6).toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read fraud signals", e);
        }
    }
}
