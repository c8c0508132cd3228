package io.checkpass.bench.load;

import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.server.auth.Role;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issuance over HTTP: {@code concurrency} virtual-thread clients POST {@code /api/v1/passes}, each request for a
 * (person, device) pair never asked before, so every 201 is a fresh credential — registry read, status engine,
 * ES256 signature, ledger insert. The real centre runs in this JVM (embedded PostgreSQL in a temporary
 * directory): client, server and database share the machine's cores, as in docs/PERFORMANCE.md.
 */
@Command(name = "issuance", mixinStandardHelpOptions = true, description = "Measure credential issuance over HTTP.")
final class IssuanceLoad implements Callable<Integer> {
    private static final String ENDPOINT = "POST /api/v1/passes";

    @Option(names = "--persons", defaultValue = "20000", description = "Registry size (default ${DEFAULT-VALUE}).")
    int persons;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured duration (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--warmup",
            defaultValue = "8",
            description = "Warm-up seconds, not measured (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--concurrency",
            defaultValue = "64",
            description = "Concurrent clients (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
            names = "--repeat",
            description = "Each person asks again with the same device (the lunch-time refresh, answered 200 from the "
                    + "ledger after the first round) instead of a new device each time.")
    boolean repeat;

    @Option(
            names = "--pool-size",
            defaultValue = "16",
            description = "Database connections of the centre (default ${DEFAULT-VALUE}).")
    int poolSize;

    @Override
    public Integer call() throws Exception {
        try (InProcessCentre centre = new InProcessCentre(Map.of(
                "limits.issuance",
                Integer.toString(Math.max(concurrency, 64)),
                "issuance.client-rate-per-second",
                "1000000",
                "issuance.person-devices-per-day",
                "100",
                "database.pool-size",
                Integer.toString(poolSize)))) {
            String auth = InProcessCentre.basic(
                    "load-wallet",
                    centre.server
                            .centre()
                            .apiClients()
                            .create("load-wallet", "load driver", Set.of(Role.WALLET_PROVIDER)));
            seed(centre);
            List<String> devices = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                devices.add(Base64.getUrlEncoder().withoutPadding().encodeToString(EcPoints.uncompressed((ECPublicKey)
                        centre.es256.generateKeyPair().getPublic())));
            }
            URI base = centre.server.baseUri();
            ThreadLocal<KeepAliveHttp> connections = ThreadLocal.withInitial(() -> new KeepAliveHttp(base, 30_000));
            Latencies latencies = new Latencies();
            double elapsed = ClosedLoop.run(concurrency, warmup, seconds, latencies, i -> {
                byte[] body = "{\"personId\":\"B%07d\",\"devicePublicKey\":\"%s\"}"
                        .formatted(
                                i % persons + 1,
                                devices.get(
                                        repeat
                                                ? (int) (i % persons % devices.size())
                                                : (int) ((i / persons) % devices.size())))
                        .getBytes(StandardCharsets.UTF_8);
                long started = System.nanoTime();
                int status;
                try {
                    status =
                            connections.get().post("/api/v1/passes", auth, body).status();
                } catch (IOException e) {
                    status = -1;
                }
                latencies.record(ENDPOINT, status, System.nanoTime() - started);
            });
            var created = latencies.histogram(ENDPOINT, repeat ? 200 : 201);
            System.out.printf(
                    "issuance over HTTP: %d concurrent clients, %d s measured after %d s warm-up, provider %s,"
                            + " signing keys in %s%n",
                    concurrency,
                    seconds,
                    warmup,
                    centre.es256.describe(),
                    centre.server.centre().keys().describeVault());
            System.out.printf(
                    "  %s: %.0f/s  %s%n",
                    repeat ? "credentials served again (200)" : "fresh credentials (201)",
                    created.getTotalCount() / elapsed,
                    Latencies.summary(created));
            System.out.printf("  all responses by status: %s%n", latencies.counts());
        }
        return 0;
    }

    private void seed(InProcessCentre centre) {
        List<RegistryRecord> batch = new ArrayList<>();
        for (int i = 1; i <= persons; i++) {
            String id = "B%07d".formatted(i);
            batch.add(new PersonRecord(
                    id, "부하시험", LocalDate.of(1950 + i % 50, 1 + i % 12, 1 + i % 28), Optional.empty()));
            batch.add(new ImmunizationRecord(id, LocalDate.of(2021, 6, 1), VaccineProduct.PFIZER, 1));
            batch.add(new ImmunizationRecord(id, LocalDate.of(2021, 7, 1), VaccineProduct.PFIZER, 2));
            batch.add(new ImmunizationRecord(id, LocalDate.of(2021, 12, 20), VaccineProduct.MODERNA, 3));
            if (batch.size() >= 4000) {
                centre.server.centre().registry().upsert(batch);
                batch.clear();
            }
        }
        centre.server.centre().registry().upsert(batch);
        yesterdaysLedger(centre);
    }

    /**
     * A centre at lunch is not new: its ledger holds the credentials of earlier days and PostgreSQL has statistics
     * for it. Without them the measurement starts on an empty, never-analysed ledger, whose query plans stay those
     * of an empty table until autovacuum's first ANALYZE a minute or more later: fresh issuance measured 1.9k/s after
     * a 30 s warm-up and 5.4k/s after 90 s on the same build. Every person gets yesterday's credential (placeholder
     * bytes: only the rows matter here), then the tables are analysed.
     */
    private static void yesterdaysLedger(InProcessCentre centre) {
        try (var c = centre.server.centre().database().dataSource().getConnection();
                var s = c.createStatement()) {
            s.executeUpdate("""
                    insert into issuance (serial, person_id, client_id, device_key_hash, device_key, issue_day, status, issued_at, expires_at, credential)
                    select substring(sha256(('y' || person_id)::bytea) for 12), person_id, 'load-wallet', sha256(person_id::bytea), null,
                           current_date - 1, 'vaccinated', now() - interval '1 day', now(), '\\x00'::bytea
                    from person""");
            s.execute("analyze");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write yesterday's ledger", e);
        }
    }
}
