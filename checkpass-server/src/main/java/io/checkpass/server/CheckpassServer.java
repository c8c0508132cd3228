package io.checkpass.server;

import io.checkpass.core.crypto.Es256;
import io.checkpass.server.auth.Authenticator;
import io.checkpass.server.auth.SessionTokens;
import io.checkpass.server.compliance.CentreHealth;
import io.checkpass.server.config.CheckpassConfig;
import io.checkpass.server.http.BodyReader;
import io.checkpass.server.http.CentreRoutes;
import io.checkpass.server.http.ClientRoutes;
import io.checkpass.server.http.ComplianceRoutes;
import io.checkpass.server.http.CounterRoutes;
import io.checkpass.server.http.DemoWalletRoutes;
import io.checkpass.server.http.Guard;
import io.checkpass.server.http.HttpApi;
import io.checkpass.server.http.InspectionRoutes;
import io.checkpass.server.http.LabRoutes;
import io.checkpass.server.http.NotificationRoutes;
import io.checkpass.server.http.OperatorRoutes;
import io.checkpass.server.http.PairingRoutes;
import io.checkpass.server.http.ProofRoutes;
import io.checkpass.server.http.PushRoutes;
import io.checkpass.server.http.Readiness;
import io.checkpass.server.http.RouteClasses;
import io.checkpass.server.http.RulesRoutes;
import io.checkpass.server.http.ScannerSessionRoutes;
import io.checkpass.server.http.ServerTls;
import io.checkpass.server.http.TraceRoutes;
import io.checkpass.server.http.TrustRoutes;
import io.checkpass.server.http.VisitRoutes;
import io.checkpass.server.http.WebPages;
import io.checkpass.server.notify.NotificationChannel;
import io.checkpass.server.notify.Notifications;
import io.checkpass.server.notify.ProofLinks;
import io.checkpass.server.notify.PushAddresses;
import io.checkpass.server.notify.push.PushEndpoints;
import io.checkpass.server.sip.SharedCalls;
import io.checkpass.server.sip.SipEndpoint;
import io.checkpass.server.sip.SipSettings;
import io.checkpass.server.trust.ScannerVerification;
import io.checkpass.server.visits.CheckInStats;
import io.checkpass.server.visits.Maintenance;
import io.checkpass.server.visits.Venues;
import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The centre serving: the composition root. {@link CentreServices} builds the services over the database; this
 * adds what faces the network on top — the HTTP routes (one {@link HttpApi}), the 안심콜 SIP endpoint and the
 * visits' maintenance — and closes all of it, newest first, at shutdown or when start-up fails halfway.
 */
public final class CheckpassServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CheckpassServer.class);

    private final CheckpassConfig config;
    private final OpenedResources opened = new OpenedResources();
    private final CentreServices centre;
    private final WebServer webServer;
    private final SipEndpoint sip;
    private final Notifications notifications;
    private boolean closed;

    private CheckpassServer(CheckpassConfig config, Clock clock, Es256 es256) {
        this.config = config;
        this.centre = opened.add(CentreServices.open(config, clock, es256));
        try {
            var database = centre.database();
            centre.bundles().publish("server start");
            opened.add(new Maintenance(
                            centre.partitions(),
                            centre.retention(),
                            centre.bundles()::prune,
                            before -> centre.audit().pseudonymiseBefore(before, centre.contacts()::pseudonym),
                            centre::refreshRules,
                            clock,
                            Duration.ofDays(config.visits().retentionDays()))
                    .start());
            // Notifications (issue 15, docs/adr/0017, 0018): SMS carries the paper-pass link when
            // server.public-base-url is set; push goes to wallets' subscriptions when push.vapid-key is. The push
            // channel is the centre's (CentreServices closes it).
            ProofLinks proofLinks =
                    centre.proofLinks().<ProofLinks>map(links -> links).orElse(person -> Optional.empty());
            PushAddresses pushAddresses =
                    centre.pushChannel().isPresent() ? centre.pushSubscriptions() : person -> List.of();
            this.notifications = opened.add(new Notifications(
                    config.notifications(),
                    database.identity(),
                    centre.registry(),
                    centre.statusEngine(),
                    centre.audit(),
                    proofLinks,
                    pushAddresses,
                    centre.pushChannel()
                            .<List<NotificationChannel>>map(List::of)
                            .orElse(List.of()),
                    clock));
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(metrics);
            new JvmThreadMetrics().bindTo(metrics);
            var bodies = opened.add(new BodyReader(config.server().readTimeout()));
            var scannerSessions =
                    SessionTokens.open(config.keysDir(), SessionTokens.SCANNER_KEY_FILE, clock, Duration.ofDays(30));
            var authenticator = new Authenticator(centre.apiClients(), Duration.ofSeconds(5));
            var guard = new Guard(
                    authenticator, scannerSessions, config.limits().perClient(), bodies, config.trustedProxies());
            var readiness = new Readiness(database.identity());
            // The centre's own degraded intervals (docs/compliance.md): requests signal, a tick writes transitions.
            var health = opened.add(new CentreHealth(
                            database.visits(),
                            clock,
                            CentreHealth.nodeName(config.server().port()),
                            CentreHealth.QUIET,
                            readiness::problem)
                    .start(CentreHealth.TICK));
            var api = new HttpApi(
                            RouteClasses.of(
                                    config.limits(),
                                    bodies,
                                    metrics,
                                    routeClass -> health.signal(CentreHealth.Cause.LOAD_SHEDDING, routeClass)),
                            guard,
                            metrics,
                            readiness)
                    .onStorageUnavailable(route -> health.signal(CentreHealth.Cause.STORAGE_UNAVAILABLE, route))
                    .strictTransportSecurity(config.server().tls().isPresent())
                    .add(new CentreRoutes(
                            centre.bundles(),
                            centre.issuance(),
                            centre.revocations(),
                            centre.registry(),
                            centre.statusEngine(),
                            centre.audit(),
                            es256,
                            clock)::register)
                    .add(new LabRoutes(centre.registry(), notifications::labResultPosted)::register)
                    .add(new NotificationRoutes(notifications)::register)
                    .add(new VisitRoutes(
                            centre.ingest(),
                            centre.venues(),
                            centre.clientAdministration(),
                            centre.fraud(),
                            centre.retention(),
                            centre.visitsAudit(),
                            centre.rules()::venue,
                            clock)::register)
                    .add(new TrustRoutes(
                            centre.foreignTrust(),
                            centre.bundles(),
                            new ScannerVerification(centre.bundles(), es256, clock))::register)
                    .add(new TraceRoutes(centre.tracer())::register)
                    .add(new RulesRoutes(centre.rules(), centre::publishDecree)::register)
                    .add(
                            new CounterRoutes(
                                            centre.registry(),
                                            centre.statusEngine(),
                                            centre.issuance(),
                                            centre.audit(),
                                            clock)::register)
                    .add(new OperatorRoutes(
                            centre.venues(),
                            new CheckInStats(database.visits()),
                            // reads past purges: the visits role may append to the log, not read it
                            centre.audit(),
                            clock)::register)
                    .add(new ClientRoutes(centre.clientAdministration(), authenticator::forget)::register)
                    .add(new ScannerSessionRoutes(scannerSessions)::register)
                    .add(new PairingRoutes(centre.scannerPairing(), scannerSessions)::register)
                    .add(new WebPages(config.pagesTestHooks())::register)
                    .add(new InspectionRoutes(
                            centre.inspections().service(),
                            centre.inspections().scopes(),
                            centre.inspections().reports(),
                            centre.inspections().venueImport(),
                            centre.rules()::venue)::register)
                    .add(new ComplianceRoutes(centre.compliance(), clock)::register);
            Optional<SessionTokens> walletSessions = config.demoWallet()
                    ? Optional.of(SessionTokens.open(
                            config.keysDir(), SessionTokens.DEMO_WALLET_KEY_FILE, clock, Duration.ofDays(30)))
                    : Optional.empty();
            walletSessions.ifPresent(sessions ->
                    api.add(new DemoWalletRoutes(centre.registry(), centre.issuance(), sessions, es256)::register));
            api.add(new PushRoutes(
                            centre.vapidKeys(),
                            centre.pushSubscriptions(),
                            new PushEndpoints(config.push().endpointHosts()),
                            walletSessions)::register)
                    .add(new ProofRoutes(centre.proofLinks())::register);
            this.sip = config.sip().enabled()
                    ? opened.add(new SipEndpoint(
                                    config.sip().host(),
                                    config.sip().port(),
                                    digits ->
                                            centre.venues().byCallNumber(digits).map(Venues.Venue::venueId),
                                    centre.checkInLog(),
                                    clock,
                                    SipSettings.DEFAULTS,
                                    config.sip().trustedPeers(),
                                    // Several nodes may hear copies of one call (docs/adr/0021).
                                    Optional.of(opened.add(new SharedCalls(
                                            database.visits(), clock, SipSettings.DEFAULTS.callMemory()))))
                            .start())
                    : null;
            var server = WebServer.builder()
                    .host(config.server().host())
                    .port(config.server().port())
                    .maxPayloadSize(Guard.MAX_BODY_BYTES)
                    .shutdownHook(false)
                    .routing(api::routing);
            config.server().tls().ifPresent(tls -> server.tls(ServerTls.of(tls)));
            this.webServer = server.build().start();
            opened.add(webServer::stop);
        } catch (IOException e) {
            opened.close();
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        log.info(
                "checkpass serving on {} (ES256 provider {}){}",
                baseUri(),
                es256.describe(),
                sip == null ? "" : "; 안심콜 SIP on port " + sip.port() + " (UDP and TCP)");
    }

    /** Starts the centre: keys (created on first start), database (migrated), first bundle, HTTP and SIP. */
    public static CheckpassServer start(CheckpassConfig config, Clock clock, Es256 es256) {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        return new CheckpassServer(config, clock, es256);
    }

    public int port() {
        return webServer.port();
    }

    public URI baseUri() {
        String host = config.server().host().equals("0.0.0.0")
                ? "localhost"
                : config.server().host();
        return URI.create(config.server().scheme() + "://" + host + ":" + port());
    }

    public CheckpassConfig config() {
        return config;
    }

    /** The 안심콜 SIP endpoint's port, or empty when it is disabled. */
    public OptionalInt sipPort() {
        return sip == null ? OptionalInt.empty() : OptionalInt.of(sip.port());
    }

    public CentreServices centre() {
        return centre;
    }

    /** The notification outbox and its dispatcher (and the in-process SMSC of the demo and the tests). */
    public Notifications notifications() {
        return notifications;
    }

    /**
     * Stops HTTP, then SIP, the maintenance, the services and the database. Idempotent: the shutdown hook and an
     * interrupted serve may both call it.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        opened.close();
    }
}
