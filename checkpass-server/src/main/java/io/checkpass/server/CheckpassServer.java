package io.checkpass.server;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.pass.PassIssuer;
import io.checkpass.core.rules.MedicalRules;
import io.checkpass.core.rules.VenueRules;
import io.checkpass.core.status.StatusEngine;
import io.checkpass.server.audit.PostgresAuditLog;
import io.checkpass.server.auth.Authenticator;
import io.checkpass.server.auth.PostgresApiClients;
import io.checkpass.server.config.CheckpassConfig;
import io.checkpass.server.db.Database;
import io.checkpass.server.http.CentreRoutes;
import io.checkpass.server.http.Guard;
import io.checkpass.server.http.HttpApi;
import io.checkpass.server.http.Readiness;
import io.checkpass.server.http.RouteClasses;
import io.checkpass.server.http.TraceRoutes;
import io.checkpass.server.issuance.ClientRateLimiter;
import io.checkpass.server.issuance.IssuanceService;
import io.checkpass.server.issuance.PostgresIssuanceLedger;
import io.checkpass.server.keys.KeyDirectory;
import io.checkpass.server.registry.PostgresRegistry;
import io.checkpass.server.trust.RevocationService;
import io.checkpass.server.trust.TrustBundleService;
import io.checkpass.server.http.TrustRoutes;
import io.checkpass.server.sip.SipEndpoint;
import io.checkpass.server.http.OperatorRoutes;
import io.checkpass.server.http.VisitRoutes;
import io.checkpass.server.visits.CheckInStats;
import io.checkpass.server.web.DemoWalletRoutes;
import io.checkpass.server.web.DemoWalletSessions;
import io.checkpass.server.web.WebPages;
import io.checkpass.server.trust.ForeignTrustStore;
import io.checkpass.server.tracing.Tracer;
import io.checkpass.server.visits.CheckInIngest;
import io.checkpass.server.visits.ContactCipher;
import io.checkpass.server.visits.FraudSignals;
import io.checkpass.server.visits.Maintenance;
import io.checkpass.server.visits.PostgresCheckInLog;
import io.checkpass.server.visits.Retention;
import io.checkpass.server.visits.Venues;
import io.checkpass.server.visits.VisitPartitions;
import java.util.concurrent.ExecutorService;
import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The centre, built with {@code new} in one place: the composition root. {@link #offline} builds the services
 * over the database (for commands such as import and issue-ahead); {@link #start} adds HTTP on top. Everything
 * that needs time gets the one {@link Clock}; everything that signs or verifies gets the one {@link Es256}.
 */
public final class CheckpassServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CheckpassServer.class);

    /** The centre's services over its database, without HTTP. */
    public static final class Offline implements AutoCloseable {
        private final Database database;
        private final KeyDirectory keys;
        private final PostgresApiClients apiClients;
        private final PostgresRegistry registry;
        private final PostgresAuditLog audit;
        private final PostgresIssuanceLedger ledger;
        private final StatusEngine statusEngine;
        private final IssuanceService issuance;
        private final TrustBundleService bundles;
        private final ForeignTrustStore foreignTrust;
        private final ContactCipher contacts;
        private final Venues venues;
        private final VisitPartitions partitions;
        private final FraudSignals fraud;
        private final Retention retention;
        private final CheckInIngest ingest;
        private final PostgresCheckInLog checkInLog;
        /** Fraud examination: two threads and a bounded queue; a full queue skips the examination, never the check-ins. */
        private final ExecutorService background = new java.util.concurrent.ThreadPoolExecutor(2, 2, 1, java.util.concurrent.TimeUnit.MINUTES,
                new java.util.concurrent.ArrayBlockingQueue<>(1000), Thread.ofPlatform().daemon().name("fraud-", 0).factory(),
                (task, pool) -> LoggerFactory.getLogger(CheckInIngest.class).warn("fraud examination queue full; a batch was not examined"));

        private Offline(CheckpassConfig config, Clock clock, Es256 es256) {
            this.keys = openOrCreateKeys(config, es256, clock.instant());
            this.database = Database.open(config.database(), config.dataDir());
            var db = database.dataSource();
            this.apiClients = new PostgresApiClients(db);
            this.registry = new PostgresRegistry(db);
            this.audit = new PostgresAuditLog(db, clock);
            this.ledger = new PostgresIssuanceLedger(db);
            this.statusEngine = new StatusEngine(MedicalRules.korea());
            this.foreignTrust = new ForeignTrustStore(db, audit, clock);
            this.bundles = new TrustBundleService(db, keys.issuer(), keys.bundle(), config.issuance().issuerName(), VenueRules.korea(),
                    foreignTrust::section, es256, clock, Duration.ofSeconds(2));
            this.issuance = new IssuanceService(registry, ledger, statusEngine, new PassIssuer(keys.issuer(), es256, new SecureRandom()),
                    new ClientRateLimiter(config.issuance().clientRatePerSecond(), clock), config.issuance().personDevicesPerDay(),
                    config.issuance().credentialLifetime(), es256, clock);
            try {
                this.contacts = ContactCipher.open(config.keysDir(), Optional.ofNullable(System.getenv(ContactCipher.KEY_ENV)));
            } catch (IOException e) {
                database.close();
                throw new UncheckedIOException(e.getMessage(), e);
            }
            this.venues = new Venues(db, apiClients);
            this.partitions = new VisitPartitions(db);
            this.fraud = new FraudSignals(db, clock, Duration.ofMinutes(config.visits().fraudWindowMinutes()));
            this.retention = new Retention(db, partitions, audit, clock, Duration.ofDays(config.visits().retentionDays()));
            this.checkInLog = new PostgresCheckInLog(db, contacts, clock);
            this.ingest = new CheckInIngest(checkInLog, fraud, background, clock);
        }

        public ForeignTrustStore foreignTrust() {
            return foreignTrust;
        }

        public ContactCipher contacts() {
            return contacts;
        }

        public Venues venues() {
            return venues;
        }

        public VisitPartitions partitions() {
            return partitions;
        }

        public FraudSignals fraud() {
            return fraud;
        }

        public Retention retention() {
            return retention;
        }

        public CheckInIngest ingest() {
            return ingest;
        }

        public PostgresCheckInLog checkInLog() {
            return checkInLog;
        }

        public Database database() {
            return database;
        }

        public KeyDirectory keys() {
            return keys;
        }

        public PostgresApiClients apiClients() {
            return apiClients;
        }

        public PostgresRegistry registry() {
            return registry;
        }

        public PostgresAuditLog audit() {
            return audit;
        }

        public PostgresIssuanceLedger ledger() {
            return ledger;
        }

        public StatusEngine statusEngine() {
            return statusEngine;
        }

        public IssuanceService issuance() {
            return issuance;
        }

        public TrustBundleService bundles() {
            return bundles;
        }

        @Override
        public void close() {
            background.close();
            issuance.close();
            ledger.close();
            database.close();
        }
    }

    private final CheckpassConfig config;
    private final Offline centre;
    private final WebServer webServer;
    private final Maintenance maintenance;
    private final SipEndpoint sip;
    private boolean closed;

    private CheckpassServer(CheckpassConfig config, Clock clock, Es256 es256) {
        this.config = config;
        this.centre = new Offline(config, clock, es256);
        try {
            var db = centre.database().dataSource();
            centre.bundles().publish("server start");
            this.maintenance = new Maintenance(centre.partitions(), centre.retention(), clock,
                    Duration.ofDays(config.visits().retentionDays())).start();
            var revocations = new RevocationService(db, centre.audit(), centre.bundles(), clock);
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(metrics);
            new JvmThreadMetrics().bindTo(metrics);
            var guard = new Guard(new Authenticator(centre.apiClients(), Duration.ofSeconds(5)));
            var api = new HttpApi(RouteClasses.of(config.limits(), metrics), guard, metrics, new Readiness(db))
                    .add(new CentreRoutes(centre.bundles(), centre.issuance(), revocations, centre.registry(), centre.statusEngine(),
                            centre.audit(), es256, clock)::register)
                    .add(new io.checkpass.server.http.LabRoutes(centre.registry())::register)
                    .add(new VisitRoutes(centre.ingest(), centre.venues(), centre.fraud(), centre.retention(), centre.audit(),
                            VenueRules.korea(), clock)::register)
                    .add(new TrustRoutes(centre.foreignTrust(), centre.bundles(), es256, clock)::register)
                    .add(new TraceRoutes(new Tracer(db, centre.contacts(), centre.audit(), clock,
                            Duration.ofMinutes(config.visits().dwellMinutes())))::register)
                    .add(new OperatorRoutes(centre.venues(), new CheckInStats(db), centre.audit(), clock)::register)
                    .add(new DemoWalletRoutes(centre.registry(), centre.issuance(), centre.apiClients(),
                            DemoWalletSessions.open(config.keysDir(), clock, Duration.ofDays(30)), es256)::register)
                    .add(new WebPages()::register);
            this.sip = config.sip().enabled()
                    ? new SipEndpoint(config.sip().host(), config.sip().port(), centre.venues(), centre.checkInLog(), clock).start()
                    : null;
            this.webServer = WebServer.builder()
                    .host(config.server().host())
                    .port(config.server().port())
                    .maxPayloadSize(8L * 1024 * 1024)
                    .shutdownHook(false)
                    .routing(api::routing)
                    .build()
                    .start();
        } catch (IOException e) {
            centre.close();
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (RuntimeException e) {
            centre.close();
            throw e;
        }
        log.info("checkpass serving on {} (ES256 provider {}){}", baseUri(), es256.describe(),
                sip == null ? "" : "; 안심콜 SIP on port " + sip.port() + " (UDP and TCP)");
    }

    /** The centre's services without HTTP; the caller closes it. */
    public static Offline offline(CheckpassConfig config, Clock clock, Es256 es256) {
        return new Offline(config, clock, es256);
    }

    /** Starts the centre: keys (created on first start), database (migrated), first bundle, HTTP. */
    public static CheckpassServer start(CheckpassConfig config, Clock clock, Es256 es256) {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        return new CheckpassServer(config, clock, es256);
    }

    private static KeyDirectory openOrCreateKeys(CheckpassConfig config, Es256 es256, Instant now) {
        try {
            Optional<char[]> password = KeyDirectory.externalPassword(null);
            if (Files.isRegularFile(config.keysDir().resolve(KeyDirectory.KEYSTORE))) {
                return KeyDirectory.open(config.keysDir(), es256, password);
            }
            log.info("first start: generating issuer and bundle keys into {}", config.keysDir());
            // Valid from five years back, so a clock set in the 2021-22 pass era (demo, drills, tests) can still issue.
            return KeyDirectory.create(config.keysDir(), es256, now.minus(Duration.ofDays(1826)), Duration.ofDays(3652), password);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    public int port() {
        return webServer.port();
    }

    public URI baseUri() {
        String host = config.server().host().equals("0.0.0.0") ? "localhost" : config.server().host();
        return URI.create("http://" + host + ":" + port());
    }

    public CheckpassConfig config() {
        return config;
    }

    /** The 안심콜 SIP endpoint's port, or empty when it is disabled. */
    public java.util.OptionalInt sipPort() {
        return sip == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(sip.port());
    }

    public Offline centre() {
        return centre;
    }

    public PostgresApiClients apiClients() {
        return centre.apiClients();
    }

    public PostgresRegistry registry() {
        return centre.registry();
    }

    public TrustBundleService bundles() {
        return centre.bundles();
    }

    /** Stops HTTP, then the database. Idempotent: the shutdown hook and an interrupted serve may both call it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        webServer.stop();
        if (sip != null) {
            sip.close();
        }
        maintenance.close();
        centre.close();
    }
}
