package io.checkpass.server;

import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.audit.PostgresAuditLog;
import io.checkpass.server.auth.ApiClients;
import io.checkpass.server.auth.ClientAdministration;
import io.checkpass.server.auth.PostgresApiClients;
import io.checkpass.server.auth.ScannerPairing;
import io.checkpass.server.config.CheckpassConfig;
import io.checkpass.server.db.Database;
import io.checkpass.server.registry.PostgresRegistry;
import io.checkpass.server.registry.Registry;
import io.checkpass.server.visits.Venues;
import java.time.Clock;

/**
 * The centre's stores over its database (migrated on open): registry, audit log, API clients and their
 * administration, scanner pairing. Commands that only move data in or out (registry import) open this and nothing
 * else: no keys, no services, no threads.
 *
 * <p>The registry, the API clients (with scanner bindings and pairing) and {@link #audit()} run as the identity role;
 * {@link #visitsAudit()} is the same audit log written as the visits role, for what venues, scanners and the visits'
 * maintenance record (docs/adr/0016).
 */
public final class CentreStores implements AutoCloseable {
    private final OpenedResources opened = new OpenedResources();
    private final Database database;
    private final PostgresRegistry registry;
    private final PostgresAuditLog audit;
    private final PostgresAuditLog visitsAudit;
    private final PostgresApiClients apiClients;
    private final ClientAdministration clientAdministration;
    private final ScannerPairing scannerPairing;

    private CentreStores(CheckpassConfig config, Clock clock) {
        this.database = opened.add(Database.open(config.database(), config.dataDir()));
        var identity = database.identity();
        this.registry = new PostgresRegistry(identity);
        this.audit = new PostgresAuditLog(identity, clock);
        this.visitsAudit = new PostgresAuditLog(database.visits(), clock);
        this.apiClients = new PostgresApiClients(identity);
        // A client and, for a scanner, its venue binding are one transaction: the identity role may bind (and read
        // venues and bindings), never read a visit (docs/adr/0016).
        Venues bindings = new Venues(identity, apiClients);
        this.clientAdministration = new ClientAdministration(identity, apiClients, bindings, audit);
        this.scannerPairing = new ScannerPairing(
                identity,
                clientAdministration,
                venueId -> bindings.find(venueId).isPresent(),
                audit,
                clock);
    }

    /** Opens (and migrates) the configured database; the caller closes it. */
    public static CentreStores open(CheckpassConfig config, Clock clock) {
        return new CentreStores(config, clock);
    }

    public Database database() {
        return database;
    }

    public Registry registry() {
        return registry;
    }

    public AuditLog audit() {
        return audit;
    }

    /** The audit log as the visits role writes it: appends and reads, never pseudonymises. */
    public AuditLog visitsAudit() {
        return visitsAudit;
    }

    public ApiClients apiClients() {
        return apiClients;
    }

    /** One-time codes that pair a door tablet with its venue as a new scanner. */
    public ScannerPairing scannerPairing() {
        return scannerPairing;
    }

    /** Creates, lists, rotates and disables API clients, audited: CLI, HTTP routes and the demo all use it. */
    public ClientAdministration clientAdministration() {
        return clientAdministration;
    }

    /** Closes the database. */
    @Override
    public void close() {
        opened.close();
    }
}
