package io.checkpass.server;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.rules.Decree;
import io.checkpass.core.status.StatusEngine;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.auth.ApiClients;
import io.checkpass.server.auth.ClientAdministration;
import io.checkpass.server.auth.ScannerPairing;
import io.checkpass.server.compliance.ComplianceService;
import io.checkpass.server.compliance.VenueCompliance;
import io.checkpass.server.config.CheckpassConfig;
import io.checkpass.server.config.ConfigException;
import io.checkpass.server.db.Database;
import io.checkpass.server.inspection.DoorEvidence;
import io.checkpass.server.inspection.Inspections;
import io.checkpass.server.issuance.ClientRateLimiter;
import io.checkpass.server.issuance.IssuanceLedger;
import io.checkpass.server.issuance.IssuanceService;
import io.checkpass.server.issuance.PostgresIssuanceLedger;
import io.checkpass.server.keys.KeyLifecycle;
import io.checkpass.server.keys.KeyVault;
import io.checkpass.server.keys.KeyVaults;
import io.checkpass.server.notify.proof.ProofLinkService;
import io.checkpass.server.notify.push.PushSubscriptions;
import io.checkpass.server.notify.push.VapidKeys;
import io.checkpass.server.notify.push.WebPushChannel;
import io.checkpass.server.notify.push.WebPushEncryption;
import io.checkpass.server.registry.Registry;
import io.checkpass.server.rules.PublishedRules;
import io.checkpass.server.tracing.Tracer;
import io.checkpass.server.trust.ForeignTrustStore;
import io.checkpass.server.trust.RevocationService;
import io.checkpass.server.trust.TrustBundleService;
import io.checkpass.server.visits.CheckInIngest;
import io.checkpass.server.visits.CheckInLog;
import io.checkpass.server.visits.ContactCipher;
import io.checkpass.server.visits.FraudSignals;
import io.checkpass.server.visits.PostgresCheckInLog;
import io.checkpass.server.visits.Retention;
import io.checkpass.server.visits.Venues;
import io.checkpass.server.visits.VisitPartitions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The centre's services over its stores and keys, without HTTP or SIP: what {@code checkpass serve} puts behind
 * its routes, and what commands such as {@code issue-ahead} run directly. Everything that needs time gets the one
 * {@link Clock}; everything that signs or verifies gets the one {@link Es256}. Opening creates the keys on first
 * use; closing (or a failure halfway through opening) closes what was opened, newest first.
 */
public final class CentreServices implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CentreServices.class);

    private final OpenedResources opened = new OpenedResources();
    private final KeyVault vault;
    private final KeyLifecycle keys;
    private final CentreStores stores;
    private final PostgresIssuanceLedger ledger;
    private final PublishedRules rules;
    private final StatusEngine statusEngine;
    private final IssuanceService issuance;
    private final TrustBundleService bundles;
    private final RevocationService revocations;
    private final ForeignTrustStore foreignTrust;
    private final ContactCipher contacts;
    private final Venues venues;
    private final VisitPartitions partitions;
    private final FraudSignals fraud;
    private final Retention retention;
    private final CheckInIngest ingest;
    private final ComplianceService compliance;
    private final PostgresCheckInLog checkInLog;
    private final Tracer tracer;
    private final PushSubscriptions pushSubscriptions;
    private final Optional<VapidKeys> vapidKeys;
    private final Optional<WebPushChannel> pushChannel;
    private final Optional<ProofLinkService> proofLinks;
    private final Inspections inspections;

    private CentreServices(CheckpassConfig config, Clock clock, Es256 es256) {
        this.vault = opened.add(openVault(config, es256));
        this.stores = opened.add(CentreStores.open(config, clock));
        try {
            // Two roles (docs/adr/0016): identity for the registry, ledger, revocations, bundles, rules and keys;
            // visits for venues, scanners, check-ins and fraud signals. A trace and the retention use both, each side
            // on
            // its own.
            var identity = stores.database().identity();
            var visits = stores.database().visits();
            // A retired issuer key stays in bundles while anything it signed may be valid: a wallet credential, or a
            // printed pass (up to a year).
            this.keys = KeyLifecycle.open(
                    identity,
                    vault,
                    stores.audit(),
                    es256,
                    clock,
                    maxCredentialLifetime(config),
                    Duration.ofSeconds(2));
            this.contacts =
                    ContactCipher.open(config.keysDir(), Optional.ofNullable(System.getenv(ContactCipher.KEY_ENV)));
            this.ledger = opened.add(new PostgresIssuanceLedger(identity));
            this.rules = PublishedRules.open(identity, stores.audit(), clock);
            this.statusEngine = new StatusEngine(rules::medical);
            this.foreignTrust = new ForeignTrustStore(identity, stores.audit(), clock);
            this.bundles = new TrustBundleService(
                    identity,
                    keys,
                    config.issuance().issuerName(),
                    rules::venue,
                    rules::medical,
                    foreignTrust::section,
                    es256,
                    clock,
                    Duration.ofSeconds(2));
            this.revocations = new RevocationService(identity, stores.audit(), bundles, clock);
            this.issuance = opened.add(new IssuanceService(
                    stores.registry(),
                    ledger,
                    statusEngine,
                    keys,
                    new ClientRateLimiter(config.issuance().clientRatePerSecond(), clock),
                    config.issuance().personDevicesPerDay(),
                    config.issuance().credentialLifetime(),
                    config.issuance().preIssueWindow(),
                    es256,
                    clock,
                    rules::medicalVersion));
            this.venues = new Venues(visits, stores.apiClients());
            this.partitions = new VisitPartitions(visits);
            this.fraud = new FraudSignals(
                    visits, clock, Duration.ofMinutes(config.visits().fraudWindowMinutes()));
            this.retention = new Retention(
                    identity,
                    visits,
                    partitions,
                    stores.visitsAudit(),
                    clock,
                    Duration.ofDays(config.visits().retentionDays()));
            this.checkInLog = new PostgresCheckInLog(visits, contacts, clock);
            // Fraud examination: two threads and a bounded queue; a full queue skips the examination, never the
            // check-ins.
            ExecutorService examination = opened.add(new ThreadPoolExecutor(
                    2,
                    2,
                    1,
                    TimeUnit.MINUTES,
                    new ArrayBlockingQueue<>(1000),
                    Thread.ofPlatform().daemon().name("fraud-", 0).factory(),
                    (task, pool) -> log.warn("fraud examination queue full; a batch was not examined")));
            this.ingest = new CheckInIngest(checkInLog, fraud, examination, clock);
            this.tracer = new Tracer(
                    identity,
                    visits,
                    contacts,
                    stores.audit(),
                    clock,
                    Duration.ofMinutes(config.visits().dwellMinutes()));
            this.compliance = new ComplianceService(visits, rules::venue, ComplianceService.OFFLINE_AFTER);
            // Issue 15 (docs/adr/0018): wallets' push subscriptions, the push channel when a VAPID key is configured,
            // and the SMS proof links when the public base URL is.
            this.pushSubscriptions = new PushSubscriptions(identity, stores.audit(), clock);
            this.vapidKeys = config.push()
                    .vapidKey()
                    .map(file -> vapidKeys(file, config.push().subject(), es256));
            this.pushChannel = vapidKeys.map(vapid -> opened.add(new WebPushChannel(
                    pushSubscriptions,
                    vapid,
                    new WebPushEncryption(new SecureRandom()),
                    clock,
                    Duration.ofSeconds(10),
                    64)));
            this.proofLinks = config.publicBaseUrl()
                    .map(base -> new ProofLinkService(identity, issuance, stores.audit(), clock, base));
            this.inspections = Inspections.open(
                    identity,
                    visits,
                    stores.registry(),
                    stores.clientAdministration(),
                    stores.audit(),
                    stores.visitsAudit(),
                    doorEvidence(compliance),
                    clock);
        } catch (IOException e) {
            opened.close();
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /** Opens the centre's keys (created on first use), database and services; the caller closes them. */
    public static CentreServices open(CheckpassConfig config, Clock clock, Es256 es256) {
        return new CentreServices(config, clock, es256);
    }

    /**
     * The vault of the centre's private keys: the keys directory's PKCS#12 file, or the HSM's token. The first keys are
     * made (or the operator's adopted) by the key lifecycle on first start.
     */
    private static KeyVault openVault(CheckpassConfig config, Es256 es256) {
        try {
            KeyVault vault = KeyVaults.open(config, es256, System.getenv());
            log.info("signing keys: {}", vault.describe());
            return vault;
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** The VAPID key, checked before the centre serves: a key file that is not a P-256 key stops the start. */
    private static VapidKeys vapidKeys(java.nio.file.Path file, String subject, Es256 es256) {
        try {
            return VapidKeys.load(file, subject, es256);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(java.util.List.of(e.getMessage()));
        }
    }

    /** The longest any credential lives: a wallet credential, or a printed pass. */
    private static Duration maxCredentialLifetime(CheckpassConfig config) {
        Duration wallet = config.issuance().credentialLifetime();
        return wallet.compareTo(IssuanceService.STATIC_PASS_MAX_LIFETIME) > 0
                ? wallet
                : IssuanceService.STATIC_PASS_MAX_LIFETIME;
    }

    public CentreStores stores() {
        return stores;
    }

    public Database database() {
        return stores.database();
    }

    public Registry registry() {
        return stores.registry();
    }

    public AuditLog audit() {
        return stores.audit();
    }

    /** The audit log as the visits role writes it (venue and scanner routes, the visits' maintenance). */
    public AuditLog visitsAudit() {
        return stores.visitsAudit();
    }

    public ApiClients apiClients() {
        return stores.apiClients();
    }

    public ScannerPairing scannerPairing() {
        return stores.scannerPairing();
    }

    public ClientAdministration clientAdministration() {
        return stores.clientAdministration();
    }

    /** The signing keys' lifecycle: which key signs what, and when; rotation, rollover, revocation. */
    public KeyLifecycle keys() {
        return keys;
    }

    public IssuanceLedger ledger() {
        return ledger;
    }

    /** The venue and medical rules in force, as published. */
    public PublishedRules rules() {
        return rules;
    }

    /**
     * Picks up decrees another node published; when the venue rules changed, the trust bundle this node serves is
     * already the one that node published (bundles are read from the database).
     */
    public void refreshRules() {
        rules.refresh();
    }

    /**
     * Publishes a decree and, with it, a new trust bundle, so scanners have the new venue rules at their next refresh
     * (within a minute) and holders get credentials decided under the new medical rules at theirs.
     */
    public PublishedRules.Announced publishDecree(String actor, Decree decree) {
        PublishedRules.Published published = rules.publish(actor, decree);
        long bundle = bundles.publish("rules " + decree.kind().id() + " v" + published.version() + ": " + decree.id())
                .version();
        return new PublishedRules.Announced(published, bundle);
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

    public RevocationService revocations() {
        return revocations;
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

    public CheckInLog checkInLog() {
        return checkInLog;
    }

    public Tracer tracer() {
        return tracer;
    }

    /** The wallets' Web Push subscriptions; the outbox's {@code PushAddresses}. */
    public PushSubscriptions pushSubscriptions() {
        return pushSubscriptions;
    }

    /** The centre's VAPID key, when {@code push.vapid-key} is set. */
    public Optional<VapidKeys> vapidKeys() {
        return vapidKeys;
    }

    /** The Web Push channel, when {@code push.vapid-key} is set. */
    public Optional<WebPushChannel> pushChannel() {
        return pushChannel;
    }

    /** The SMS proof links, when {@code server.public-base-url} is set. */
    public Optional<ProofLinkService> proofLinks() {
        return proofLinks;
    }

    /** Inspections, violations and fines, district reports, venue import (docs/adr/0020). */
    public Inspections inspections() {
        return inspections;
    }

    /** The door log read back: per venue and period (docs/compliance.md). */
    public ComplianceService compliance() {
        return compliance;
    }

    /** Inspections read the door log through the compliance side (docs/adr/0019, 0020). */
    private static DoorEvidence doorEvidence(ComplianceService compliance) {
        return new DoorEvidence() {
            @Override
            public Optional<VenueCompliance> summary(String venueId, Instant from, Instant to) {
                return compliance.summarise(venueId, from, to);
            }

            @Override
            public boolean centreDegradedDuring(Instant from, Instant to) {
                return compliance.centreDegradedDuring(from, to);
            }
        };
    }

    /** Closes the fraud examination, issuance's batched reads, the ledger's writer, then the database. */
    @Override
    public void close() {
        opened.close();
    }
}
