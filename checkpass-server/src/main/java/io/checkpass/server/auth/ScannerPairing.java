package io.checkpass.server.auth;

import io.checkpass.core.crypto.Digests;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.db.Transactions;
import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.refusal.Refused;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * Pairing a door tablet with its venue: an issuer-admin makes a one-time code (console or CLI) and shows it as a QR
 * or reads it out; the tablet that presents it within its lifetime becomes a new scanner of that venue. The code is
 * the only thing anyone handles: the scanner's secret is made, hashed and never shown, and the tablet gets a session
 * instead (the HTTP layer sets it), the same one a scanner that signed in with its secret gets.
 *
 * <p>Codes are 8 characters of Crockford's Base32 (40 bits), live {@link #DEFAULT_LIFETIME} unless asked otherwise
 * (at most {@link #MAX_LIFETIME}), pair once, and are kept only as a SHA-256 hash. Unknown, used and expired codes get
 * one and the same refusal; the HTTP layer counts them as failed sign-ins of the source address.
 */
public final class ScannerPairing {
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(10);
    public static final Duration MAX_LIFETIME = Duration.ofHours(24);
    /** Crockford's Base32: no I, L, O or U, so a code read aloud or off a screen is not misread. */
    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private static final int CODE_LENGTH = 8;
    private static final ZoneId KOREA = ZoneId.of("Asia/Seoul");

    private final DataSource db;
    private final ClientAdministration clients;
    private final Predicate<String> venueExists;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** A code made for a venue: show it once. */
    public record Pairing(String code, String venueId, Instant expiresAt) {}

    /** The scanner a code made. */
    public record Paired(String scannerId, String venueId) {}

    public ScannerPairing(
            DataSource db, ClientAdministration clients, Predicate<String> venueExists, AuditLog audit, Clock clock) {
        this.db = db;
        this.clients = clients;
        this.venueExists = venueExists;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Makes a one-time pairing code for the venue.
     *
     * @throws Refused {@link Refusal.UnknownVenue}, {@link Refusal.ClientRejected} (a lifetime out of range)
     */
    public Pairing create(String actor, String venueId, Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new Refused(new Refusal.ClientRejected("a pairing code lives from 1 minute to 24 hours"));
        }
        if (!venueExists.test(venueId)) {
            throw new Refused(new Refusal.UnknownVenue(venueId));
        }
        String code = newCode();
        Instant now = clock.instant();
        Instant expires = now.plus(lifetime);
        inTransaction(c -> {
            // Codes that ended a day ago pair nothing any more: each new code clears them, so the table stays small.
            try (PreparedStatement s = c.prepareStatement("delete from scanner_pairing where expires_at < ?")) {
                s.setTimestamp(1, Timestamp.from(now.minus(Duration.ofDays(1))));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("insert into scanner_pairing"
                    + " (code_sha256, venue_id, created_by, created_at, expires_at) values (?, ?, ?, ?, ?)")) {
                s.setBytes(1, hash(code));
                s.setString(2, venueId);
                s.setString(3, actor);
                s.setTimestamp(4, Timestamp.from(now));
                s.setTimestamp(5, Timestamp.from(expires));
                s.executeUpdate();
            }
            audit.record(c, actor, "pairing-create", "venue:" + venueId, Map.of("expiresAt", expires.toString()));
            return null;
        });
        return new Pairing(format(code), venueId, expires);
    }

    /**
     * Pairs the tablet that presents the code: a new scanner client of the code's venue, in the same transaction as
     * the code's use. Its secret is dropped here; the caller gives the tablet a session.
     *
     * @param label what the tablet calls itself (its display name), or empty
     * @throws Refused {@link Refusal.PairingCodeInvalid}
     */
    public Paired claim(String presented, Optional<String> label) {
        Optional<String> code = normalise(presented);
        if (code.isEmpty()) {
            throw new Refused(new Refusal.PairingCodeInvalid());
        }
        Instant now = clock.instant();
        return inTransaction(c -> {
            String venueId;
            try (PreparedStatement s = c.prepareStatement("select venue_id from scanner_pairing"
                    + " where code_sha256 = ? and claimed_at is null and expires_at > ? for update")) {
                s.setBytes(1, hash(code.get()));
                s.setTimestamp(2, Timestamp.from(now));
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        throw new Refused(new Refusal.PairingCodeInvalid());
                    }
                    venueId = r.getString(1);
                }
            }
            String scannerId = scannerId(venueId);
            String name = label.map(String::strip)
                    .filter(l -> !l.isEmpty())
                    .map(l -> l.length() > 100 ? l.substring(0, 100) : l)
                    .orElse("연결된 태블릿 "
                            + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(now.atZone(KOREA)));
            clients.createIn(
                    c,
                    "pairing",
                    new ClientAdministration.NewClient(scannerId, name, Set.of(Role.SCANNER), Optional.of(venueId)));
            try (PreparedStatement s = c.prepareStatement(
                    "update scanner_pairing set claimed_at = ?, scanner_id = ? where code_sha256 = ?")) {
                s.setTimestamp(1, Timestamp.from(now));
                s.setString(2, scannerId);
                s.setBytes(3, hash(code.get()));
                s.executeUpdate();
            }
            audit.record(c, "pairing", "pairing-claim", "client:" + scannerId, Map.of("venueId", venueId));
            return new Paired(scannerId, venueId);
        });
    }

    private String newCode() {
        StringBuilder code = new StringBuilder(CODE_LENGTH);
        for (int i = 0; i < CODE_LENGTH; i++) {
            code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    /** A new scanner id for the venue: the venue's id and a random suffix, within the client id rule. */
    private String scannerId(String venueId) {
        String base = "scanner-" + (venueId.length() > 48 ? venueId.substring(0, 48) : venueId) + "-";
        StringBuilder id = new StringBuilder(base);
        for (int i = 0; i < 6; i++) {
            id.append(Character.toLowerCase(ALPHABET.charAt(random.nextInt(ALPHABET.length()))));
        }
        return id.toString();
    }

    /** The code as shown: two groups of four, "K7QP-4X93". */
    static String format(String code) {
        return code.substring(0, 4) + "-" + code.substring(4);
    }

    /**
     * The code as typed or scanned: case, spaces and dashes ignored, and the letters people read for digits (O, I, L)
     * taken as the digits; empty unless it is then 8 characters of the alphabet.
     */
    static Optional<String> normalise(String presented) {
        if (presented == null || presented.length() > 64) {
            return Optional.empty();
        }
        StringBuilder code = new StringBuilder(CODE_LENGTH);
        for (char ch : presented.toUpperCase(Locale.ROOT).toCharArray()) {
            char c = switch (ch) {
                case 'O' -> '0';
                case 'I', 'L' -> '1';
                default -> ch;
            };
            if (c == '-' || c == ' ') {
                continue;
            }
            if (ALPHABET.indexOf(c) < 0) {
                return Optional.empty();
            }
            code.append(c);
        }
        return code.length() == CODE_LENGTH ? Optional.of(code.toString()) : Optional.empty();
    }

    private static byte[] hash(String code) {
        return Digests.sha256(code.getBytes(StandardCharsets.US_ASCII));
    }

    private <T> T inTransaction(Transactions.Work<T> work) {
        return Transactions.inTransaction(db, "cannot pair a scanner", work);
    }
}
