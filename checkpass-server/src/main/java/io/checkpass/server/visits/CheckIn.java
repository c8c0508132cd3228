package io.checkpass.server.visits;

import io.checkpass.core.pass.Serial;
import io.checkpass.core.registry.PhoneNumber;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One visit as a scanner, the call-in line or staff recorded it.
 *
 * @param id          minted by the client (UUIDv7), so a retried upload is recognised
 * @param serial      the native pass serial (QR channel)
 * @param passRef     a foreign pass's own id (QR channel, foreign format)
 * @param contact     phone and optional name (CALL and MANUAL channels); sealed before storage
 * @param checkMethod how staff checked the pass for a MANUAL entry: paper_certificate, id_sticker, verbal
 * @param venueType   the venue type the scanner applied (its code); empty from scanners that predate issue 16
 * @param ruleSet     the id of the venue rule set the scanner judged under, e.g. {@code KR-2021-12-18}
 * @param bundleVersion the version of the trust bundle that carried those rules to the scanner
 */
public record CheckIn(
        UUID id,
        Instant scannedAt,
        String venueId,
        Optional<String> scannerId,
        Channel channel,
        Optional<Serial> serial,
        Optional<String> passFormat,
        Optional<String> passRef,
        Optional<Contact> contact,
        Optional<String> verdict,
        Optional<String> reason,
        Optional<String> checkMethod,
        Optional<String> venueType,
        Optional<String> ruleSet,
        Optional<Long> bundleVersion) {

    public enum Channel {
        QR,
        CALL,
        MANUAL
    }

    public record Contact(PhoneNumber phone, Optional<String> name) {
        public Contact {
            Objects.requireNonNull(phone, "phone");
            Objects.requireNonNull(name, "name");
        }
    }

    public CheckIn {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(scannedAt, "scannedAt");
        Objects.requireNonNull(venueId, "venueId");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(venueType, "venueType");
        Objects.requireNonNull(ruleSet, "ruleSet");
        Objects.requireNonNull(bundleVersion, "bundleVersion");
    }

    /** A check-in that does not say how it was judged: the 안심콜 line, and scanners older than issue 16. */
    public CheckIn(
            UUID id,
            Instant scannedAt,
            String venueId,
            Optional<String> scannerId,
            Channel channel,
            Optional<Serial> serial,
            Optional<String> passFormat,
            Optional<String> passRef,
            Optional<Contact> contact,
            Optional<String> verdict,
            Optional<String> reason,
            Optional<String> checkMethod) {
        this(
                id,
                scannedAt,
                venueId,
                scannerId,
                channel,
                serial,
                passFormat,
                passRef,
                contact,
                verdict,
                reason,
                checkMethod,
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }
}
