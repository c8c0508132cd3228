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
        Optional<String> checkMethod) {

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
    }
}
