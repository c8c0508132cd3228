package io.checkpass.server.config;

import io.checkpass.server.sip.TrustedPeers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The validated configuration of {@code checkpass serve}. Built only by {@link ConfigLoader}, which checks every
 * value at start-up; see docs/operations.md for each key.
 *
 * @param pkcs11     where the issuer and bundle keys live when they are in an HSM ({@code keys.store: pkcs11});
 *                   empty for the embedded default, the PKCS#12 file in {@code keysDir}
 * @param demoWallet whether the demo wallet provider's sign-in routes exist ({@code serve --demo} turns them on); a
 *                   production centre leaves them off, so it exposes no sign-in by birth date
 * @param notifications notifications: the outbox's policies and the SMSC (docs/operations.md, "Notifications")
 * @param pagesTestHooks whether the pages honour their test and replay hooks ({@code ?clockOffset=}); {@code serve
 *                   --demo} and {@code --clock-start} turn it on; at a real door a crafted link must not move the clock
 * @param push       Web Push to wallets (docs/operations.md, "Web Push")
 * @param publicBaseUrl where people reach this centre ({@code server.public-base-url}): the SMS proof links start with
 *                   it; empty, and the centre makes no proof links
 * @param trustedProxies the load balancers in front of the centre ({@code server.trusted-proxies}): from these, a
 *                   request's source address is the last one in its X-Forwarded-For, so a throttle on failed
 *                   sign-ins counts each client apart, not the balancer; empty when clients connect directly
 */
public record CheckpassConfig(
        Server server,
        Path dataDir,
        Database database,
        Path keysDir,
        Optional<Pkcs11> pkcs11,
        Issuance issuance,
        Limits limits,
        Visits visits,
        Sip sip,
        Logging logging,
        boolean demoWallet,
        boolean pagesTestHooks,
        Push push,
        Optional<URI> publicBaseUrl,
        io.checkpass.server.notify.NotifyConfig notifications,
        TrustedPeers trustedProxies) {

    /**
     * @param readTimeout how long a request body may take to arrive in full; a slower one is cut off, and its client
     *                    holds no concurrency permit meanwhile
     * @param tls         HTTPS with these PEM files, or empty for plain HTTP (behind a TLS-terminating proxy)
     */
    public record Server(String host, int port, Duration readTimeout, Optional<Tls> tls) {
        public String scheme() {
            return tls.isPresent() ? "https" : "http";
        }
    }

    /**
     * @param certificateChain PEM: the server certificate first, then any intermediates
     * @param privateKey       PEM: its private key (PKCS#8, unencrypted; keep the file 0600)
     */
    public record Tls(Path certificateChain, Path privateKey) {}

    /**
     * @param url      a {@code jdbc:postgresql:} URL, or empty for the embedded PostgreSQL in {@code data/pg}
     * @param user     the owner of the schema, who runs the migrations (external database)
     * @param password for an external database; never in a file that ships, use the environment
     * @param identity the login role of the identity side (registry, ledger); for an external database
     * @param visits   the login role of the visits side (venues, check-ins); for an external database
     */
    public record Database(
            Optional<String> url, String user, Optional<String> password, Role identity, Role visits, int poolSize) {
        public boolean embedded() {
            return url.isEmpty();
        }

        /**
         * One of the two login roles the services connect as (docs/adr/0016).
         *
         * @param key      the configuration key of its user, for error messages ({@code database.identity-user})
         * @param password from the environment only; empty when the database needs none (trust, peer, certificate)
         */
        public record Role(String key, String user, Optional<String> password) {
            /** The environment variable of this role's password. */
            public String passwordEnv() {
                return ConfigLoader.envName(key.replace("-user", "-password"));
            }
        }
    }

    /**
     * An HSM reached through PKCS#11 with the JDK's SunPKCS11 provider (docs/operations.md, "Keys in an HSM"). The
     * PIN is never here: it comes from {@code CHECKPASS_PKCS11_PIN} or the file {@code pinFile} names.
     *
     * @param library       the token's PKCS#11 module, e.g. {@code /usr/lib/softhsm/libsofthsm2.so}
     * @param slotListIndex which of the module's slots with a token, counted from 0
     * @param pinFile       a file holding the user PIN (one line, readable only by the centre), if not the
     *                      environment
     */
    public record Pkcs11(Path library, int slotListIndex, Optional<Path> pinFile) {}

    /**
     * @param issuerName         the issuer's name listed with its key in the trust bundle
     * @param credentialLifetime how long a credential lives (hours to days)
     * @param clientRatePerSecond issuance requests per second per wallet-provider client
     * @param personDevicesPerDay distinct devices one person may get credentials for per day
     * @param preIssueWindow     how long before a medical rule change wallets get, with each credential, the one
     *                           decided under the coming rules
     */
    public record Issuance(
            String issuerName,
            Duration credentialLifetime,
            int clientRatePerSecond,
            int personDevicesPerDay,
            Duration preIssueWindow) {
        /** Wallet credentials live hours to a few days, and wallets refresh them. */
        public static final Duration MIN_CREDENTIAL_LIFETIME = Duration.ofHours(1);

        public static final Duration MAX_CREDENTIAL_LIFETIME = Duration.ofDays(7);
    }

    /**
     * Concurrent requests per route class; past a bound the server answers 503 with Retry-After. {@code perClient}
     * bounds the requests one authenticated client may have in flight at once, bodies still arriving included
     * (past it, 429), so no client can take every slot.
     */
    public record Limits(
            int publicReads, int issuance, int ingest, int operator, int retryAfterSeconds, int perClient) {}

    /**
     * @param retentionDays      visits and ledger rows are purged after this many days (docs/principles.md §6: 28)
     * @param fraudWindowMinutes one serial at two venues within this many minutes is flagged
     * @param dwellMinutes       how long a check-in counts as presence, for tracing
     */
    public record Visits(int retentionDays, int fraudWindowMinutes, int dwellMinutes) {}

    /**
     * The 안심콜 SIP endpoint (UDP and TCP).
     *
     * @param trustedPeers the addresses that may send it requests (the trunk's); loopback when it listens on loopback
     */
    public record Sip(boolean enabled, String host, int port, TrustedPeers trustedPeers) {}

    public record Logging(boolean json) {}

    /**
     * Web Push to wallets (RFC 8291, RFC 8292).
     *
     * @param vapidKey      the PKCS#8 PEM file of the centre's VAPID key ({@code checkpass push keys}); empty, and the
     *                      centre sends no pushes (wallets are not offered the button)
     * @param subject       the operator's contact the push services see, {@code mailto:} or {@code https:}
     * @param endpointHosts the push services' hosts the centre will send to; a subscription to any other host is
     *                      refused, so a wallet cannot make the centre post to an address of its choosing. A leading
     *                      {@code *.} takes subdomains; plain HTTP only to a loopback host listed here (tests)
     */
    public record Push(Optional<Path> vapidKey, String subject, List<String> endpointHosts) {
        public boolean enabled() {
            return vapidKey.isPresent();
        }
    }
}
