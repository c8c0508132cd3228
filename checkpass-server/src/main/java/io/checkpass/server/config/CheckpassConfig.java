package io.checkpass.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The validated configuration of {@code checkpass serve}. Built only by {@link ConfigLoader}, which checks every
 * value at start-up; see docs/operations.md for each key.
 */
public record CheckpassConfig(
        Server server,
        Path dataDir,
        Database database,
        Path keysDir,
        Issuance issuance,
        Limits limits,
        Logging logging) {

    public record Server(String host, int port) {}

    /**
     * @param url      a {@code jdbc:postgresql:} URL, or empty for the embedded PostgreSQL in {@code data/pg}
     * @param password for an external database; never in a file that ships, use the environment
     */
    public record Database(Optional<String> url, String user, Optional<String> password, int poolSize) {
        public boolean embedded() {
            return url.isEmpty();
        }
    }

    /**
     * @param issuerName         the issuer's name listed with its key in the trust bundle
     * @param credentialLifetime how long a credential lives (hours to days)
     * @param clientRatePerSecond issuance requests per second per wallet-provider client
     * @param personDevicesPerDay distinct devices one person may get credentials for per day
     */
    public record Issuance(String issuerName, Duration credentialLifetime, int clientRatePerSecond, int personDevicesPerDay) {}

    /** Concurrent requests per route class; past a bound the server answers 503 with Retry-After. */
    public record Limits(int publicReads, int issuance, int ingest, int operator, int retryAfterSeconds) {}

    public record Logging(boolean json) {}
}
