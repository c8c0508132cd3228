package io.checkpass.server;

import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.audit.PostgresAuditLog;
import io.checkpass.server.auth.ApiClients;
import io.checkpass.server.auth.PostgresApiClients;
import io.checkpass.server.config.CheckpassConfig;
import io.checkpass.server.db.Database;
import io.checkpass.server.registry.PostgresRegistry;
import io.checkpass.server.registry.Registry;
import java.time.Clock;

/**
 * The centre's stores over its database (migrated on open): registry, audit log and API clients. Commands that only
 * move data in or out (registry import) open this and nothing else: no keys, no services, no threads.
 *
 * <p>The registry, the API clients and {@link #audit()} run as the identity role; {@link #visitsAudit()} is the same
 * audit log written as the visits role, for what venues, scanners and the visits' maintenance record
 * (docs/adr/0016).
 */
public final class CentreStores implements AutoCloseable {
    private final OpenedResources opened = new OpenedResources();
    private final Database database;
    private final PostgresRegistry registry;
    private final PostgresAuditLog audit;
    private final PostgresAuditLog visitsAudit;
    private final PostgresApiClients apiClients;

    private CentreStores(CheckpassConfig config, Clock clock) {
        this.database = opened.add(Database.open(config.database(), config.dataDir()));
        var identity = database.identity();
        this.registry = new PostgresRegistry(identity);
        this.audit = new PostgresAuditLog(identity, clock);
        this.visitsAudit = new PostgresAuditLog(database.visits(), clock);
        this.apiClients = new PostgresApiClients(identity);
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

    /** Closes the database. */
    @Override
    public void close() {
        opened.close();
    }
}
