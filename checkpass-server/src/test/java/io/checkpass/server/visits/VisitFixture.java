package io.checkpass.server.visits;

import io.checkpass.server.support.TestCentre;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Venues, scanners and check-in JSON for visit tests. */
final class VisitFixture {
    private VisitFixture() {}

    /** Adds a venue with a scanner; returns the scanner's client id (its secret is known to the centre helper). */
    static String venueWithScanner(TestCentre centre, String venueId, String venueType, String callNumber) {
        Venues venues = centre.server.centre().venues();
        venues.add(new Venues.Venue(
                venueId, "123-45-67890", venueId, "서울", "서울", venueType, Optional.ofNullable(callNumber)));
        String scannerId = "scanner-" + venueId;
        centre.adopt(scannerId, venues.addScanner(venueId, scannerId, "door"));
        return scannerId;
    }

    /** A UUIDv7 whose time part is {@code at}. */
    static UUID uuid7(Instant at, long sequence) {
        long msb = (at.toEpochMilli() << 16) | (0x7L << 12) | (sequence & 0xFFF);
        long lsb = 0x8000_0000_0000_0000L | (sequence * 0x9E3779B97F4A7C15L >>> 2);
        return new UUID(msb, lsb);
    }

    static String qr(UUID id, Instant at, String serialHex) {
        return "{\"id\":\"%s\",\"channel\":\"QR\",\"serial\":\"%s\",\"format\":\"CP1\",\"verdict\":\"ADMIT\",\"reason\":\"VALID\",\"scannedAt\":\"%s\"}"
                .formatted(id, serialHex, at);
    }

    static String batch(List<String> records) {
        return "{\"checkins\":[" + String.join(",", records) + "]}";
    }
}
