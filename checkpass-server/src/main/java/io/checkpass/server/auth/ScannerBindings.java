package io.checkpass.server.auth;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * Where a scanner client is bound to the venue it serves ({@code visits/Venues}): {@link ClientAdministration}
 * binds a new scanner through it, in the same transaction as the client itself.
 */
public interface ScannerBindings {

    /**
     * Binds the scanner to the venue inside the caller's transaction on {@code c}.
     *
     * @return false, binding nothing, when there is no such venue
     */
    boolean bind(Connection c, String scannerId, String venueId, String label) throws SQLException;

    /** The venue a scanner is bound to. */
    Optional<String> venueOfScanner(String scannerId);

    /** Every bound scanner's venue, by scanner id. */
    Map<String, String> venuesOfScanners();
}
