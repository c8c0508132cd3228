package io.checkpass.bench.load;

import static io.checkpass.core.time.KoreaTime.KST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.core.crypto.Digests;
import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.server.auth.Role;
import io.checkpass.server.issuance.IssuanceService;
import io.checkpass.server.refusal.Refusal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The midnight of 3 Jan 2022 (issue 17): the 180-day validity of a primary series took force at 00:00 KST, and every
 * status older than that ended at once. The real centre runs in this JVM on a clock set to that night. Every seeded
 * person's 2nd dose was on 1 Jun 2021 (no booster), so each holds a VACCINATED credential that expires at 00:00 and is
 * UNVACCINATED after it; every wallet must fetch a new credential in the minutes after midnight (the wallet page's
 * refresh is due when a credential ends, at a random moment within the minute after: docs/pages.md). With {@code
 * --pre-issue}, {@code issue-ahead --rule-change} runs at 22:00 (the same service call the CLI makes) and midnight is
 * served from the ledger; without it, every refresh is a fresh ES256 signature. A refresh answered 503, 429 or not at
 * all is tried again with full-jitter backoff (2 s doubling to 30 s, never sooner than Retry-After) until {@code
 * --give-up-seconds}; a wallet still without its new credential then is a lost refresh, and the driver exits 1.
 *
 * <p>The wallets ask {@code POST /api/v1/passes} as one wallet provider, whose per-client limits (rate, requests in
 * flight) are lifted here: the wallet page's own route ({@code /wallet/api/credential}, a session per holder) counts
 * against no one client, only against the issuance route class ({@code limits.issuance}, 503 past it), which stays at
 * its default. The front's {@code --connections} bound how many ask at once.
 */
@Command(
        name = "midnight",
        mixinStandardHelpOptions = true,
        description = "Every status ends at 00:00 KST on 3 Jan 2022 under the published 180-day rule: measure the"
                + " centre and the wallets' refreshes, with or without issue-ahead before it.")
final class Midnight implements Callable<Integer> {
    private static final ZoneId ZONE = KST;
    private static final Instant CHANGE =
            LocalDateTime.of(2022, 1, 3, 0, 0).atZone(ZONE).toInstant();
    private static final String NEW_RULES = "KR-MED-2022-01-03";
    private static final int DEVICES = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(
            names = "--persons",
            defaultValue = "200000",
            description = "Persons, one wallet each (default ${DEFAULT-VALUE}).")
    int persons;

    @Option(
            names = "--pre-issue",
            description = "Run issue-ahead for the rule change at 22:00, so midnight is served from the ledger.")
    boolean preIssue;

    @Option(
            names = "--no-jitter",
            description = "Every wallet asks at 00:00:00 exactly (a herd) instead of within the minute after.")
    boolean noJitter;

    @Option(
            names = "--connections",
            defaultValue = "512",
            description = "Connections open to the centre at once, the front's limit (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(
            names = "--give-up-seconds",
            defaultValue = "900",
            description = "A wallet without its new credential this long after midnight is a lost refresh (default"
                    + " ${DEFAULT-VALUE}).")
    int giveUpSeconds;

    @Override
    public Integer call() throws Exception {
        NightClock clock =
                new NightClock(LocalDateTime.of(2022, 1, 2, 21, 0).atZone(ZONE).toInstant());
        try (InProcessCentre centre = new InProcessCentre(
                Map.of("issuance.client-rate-per-second", "1000000", "limits.per-client", "100000"), clock)) {
            String auth = InProcessCentre.basic(
                    "midnight-wallet",
                    centre.server
                            .centre()
                            .apiClients()
                            .create("midnight-wallet", "midnight load driver", Set.of(Role.WALLET_PROVIDER)));
            List<ECPublicKey> devices = new ArrayList<>();
            for (int i = 0; i < DEVICES; i++) {
                devices.add((ECPublicKey) centre.es256.generateKeyPair().getPublic());
            }
            long seeding = System.nanoTime();
            seed(centre);
            eveningLedger(centre, devices, clock.instant());
            System.out.printf(
                    "midnight of 3 Jan 2022: %d persons, each one wallet holding a credential that ends at 00:00 KST;"
                            + " seeded in %.0f s%n",
                    persons, (System.nanoTime() - seeding) / 1e9);

            if (preIssue) {
                clock.at(LocalDateTime.of(2022, 1, 2, 22, 0).atZone(ZONE).toInstant());
                long started = System.nanoTime();
                LongAdder refused = new LongAdder();
                var summary = centre.server
                        .centre()
                        .issuance()
                        .issueAheadForAll(
                                "issue-ahead",
                                LocalDate.ofInstant(CHANGE, ZONE),
                                IssuanceService.AheadScope.KNOWN_DEVICES,
                                false,
                                new IssuanceService.AheadProgress() {
                                    @Override
                                    public void person(String personId) {}

                                    @Override
                                    public void refused(String personId, Refusal refusal) {
                                        refused.increment();
                                    }
                                });
                double took = (System.nanoTime() - started) / 1e9;
                System.out.printf(
                        "  issue-ahead --rule-change at 22:00: %d credentials in %.1f s (%.0f/s), %d refused%n",
                        summary.credentials(), took, summary.credentials() / took, refused.sum());
            }

            Herd herd = new Herd(centre, auth, devices);
            return herd.run(clock);
        }
    }

    /** The night's refreshes: one virtual thread per wallet, through {@code connections} connections. */
    private final class Herd {
        final String auth;
        final List<String> deviceTexts = new ArrayList<>();
        final BlockingQueue<KeepAliveHttp> pool;
        final Latencies attempts = new Latencies();
        final ConcurrentHistogram refresh = new ConcurrentHistogram(3_600_000_000L, 3);
        final LongAdder fresh = new LongAdder();
        final LongAdder fromLedger = new LongAdder();
        final LongAdder stale = new LongAdder();
        final LongAdder lost = new LongAdder();
        final LongAdder within10 = new LongAdder();
        final LongAdder within60 = new LongAdder();
        final AtomicLong lastDone = new AtomicLong();
        long midnight;

        Herd(InProcessCentre centre, String auth, List<ECPublicKey> devices) {
            this.auth = auth;
            for (ECPublicKey device : devices) {
                deviceTexts.add(Base64.getUrlEncoder().withoutPadding().encodeToString(EcPoints.uncompressed(device)));
            }
            pool = new ArrayBlockingQueue<>(connections);
            for (int i = 0; i < connections; i++) {
                pool.add(new KeepAliveHttp(centre.server.baseUri(), 30_000));
            }
        }

        int run(NightClock clock) throws InterruptedException {
            clock.at(CHANGE);
            midnight = System.nanoTime();
            List<Thread> wallets = new ArrayList<>(persons);
            for (int i = 1; i <= persons; i++) {
                int person = i;
                long dueMillis = noJitter ? 0 : ThreadLocalRandom.current().nextLong(60_000);
                wallets.add(Thread.ofVirtual().start(() -> wallet(person, dueMillis)));
            }
            for (Thread wallet : wallets) {
                wallet.join();
            }
            pool.forEach(KeepAliveHttp::close);
            Histogram h = refresh.copy();
            long done = fresh.sum() + fromLedger.sum();
            double span = Math.max(1, lastDone.get() - midnight) / 1e9;
            System.out.printf(
                    "  %d wallets refresh %s through %d connections (%s)%n",
                    persons,
                    noJitter ? "at 00:00:00 exactly (herd)" : "within the minute after 00:00 (the page's jitter)",
                    connections,
                    preIssue ? "pre-issued" : "no pre-issuance");
            System.out.printf(
                    "  new credentials: %d (%d fresh signatures 201, %d from the ledger 200) in %.1f s after midnight:"
                            + " %.0f/s%n",
                    done, fresh.sum(), fromLedger.sum(), span, done / span);
            System.out.printf(
                    "  refresh, due to new credential (queueing and retries included): p50=%.2fs p99=%.2fs max=%.2fs%n",
                    h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6);
            System.out.printf(
                    "  refreshed by 00:00:10: %.1f%%, by 00:01:00: %.1f%%%n",
                    100.0 * within10.sum() / persons, 100.0 * within60.sum() / persons);
            System.out.printf("  attempts by status (-1: no answer): %s%n", statuses());
            System.out.printf(
                    "  stale answers (an old credential after midnight): %d; lost refreshes: %d%n",
                    stale.sum(), lost.sum());
            return lost.sum() == 0 && stale.sum() == 0 ? 0 : 1;
        }

        private Map<String, Long> statuses() {
            var out = new java.util.TreeMap<String, Long>();
            attempts.counts().forEach((k, v) -> {
                String status = k.substring(k.lastIndexOf(' ') + 1);
                String refusal = k.substring(0, k.lastIndexOf(' '));
                out.put(refusal.equals("POST") ? status : status + " " + refusal, v);
            });
            return out;
        }

        private void wallet(int person, long dueMillis) {
            byte[] body = "{\"personId\":\"%s\",\"devicePublicKey\":\"%s\"}"
                    .formatted(personId(person), deviceTexts.get(person % DEVICES))
                    .getBytes(StandardCharsets.UTF_8);
            long due = midnight + dueMillis * 1_000_000;
            long giveUp = midnight + giveUpSeconds * 1_000_000_000L;
            sleepUntil(due);
            long backoffMillis = 2000;
            while (true) {
                KeepAliveHttp connection;
                try {
                    connection = pool.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    lost.increment();
                    return;
                }
                long started = System.nanoTime();
                KeepAliveHttp.Response response;
                try {
                    response = connection.tryPost("/api/v1/passes", auth, body);
                } finally {
                    pool.add(connection);
                }
                long now = System.nanoTime();
                attempts.record(refusalOf(response), response.status(), now - started);
                if (response.status() == 200 || response.status() == 201) {
                    if (isNew(response.body())) {
                        (response.status() == 201 ? fresh : fromLedger).increment();
                        refresh.recordValue(Math.max(1, (now - due) / 1000));
                        if (now - midnight <= 10_000_000_000L) {
                            within10.increment();
                        }
                        if (now - midnight <= 60_000_000_000L) {
                            within60.increment();
                        }
                        lastDone.accumulateAndGet(now, Math::max);
                        return;
                    }
                    stale.increment();
                } else if (response.status() != 503 && response.status() != 429 && response.status() != -1) {
                    lost.increment();
                    return;
                }
                long wait = Math.max(
                        ThreadLocalRandom.current().nextLong(backoffMillis + 1),
                        Math.max(0, response.retryAfterSeconds()) * 1000L);
                backoffMillis = Math.min(30_000, backoffMillis * 2);
                if (System.nanoTime() + wait * 1_000_000 > giveUp) {
                    lost.increment();
                    return;
                }
                sleepUntil(System.nanoTime() + wait * 1_000_000);
            }
        }
    }

    /** The problem type of a refusal (its last path segment), so that each cause is counted apart. */
    private static String refusalOf(KeepAliveHttp.Response response) {
        if (response.status() < 400) {
            return "POST";
        }
        try {
            String type = JSON.readTree(response.body()).path("type").asText("");
            return type.isEmpty() ? "POST" : type.substring(type.lastIndexOf('/') + 1);
        } catch (IOException | RuntimeException e) {
            return "POST";
        }
    }

    /** A credential decided under the new rules, that outlives midnight. */
    private static boolean isNew(byte[] body) {
        try {
            JsonNode json = JSON.readTree(body);
            return NEW_RULES.equals(json.path("ruleSet").asText())
                    && Instant.parse(json.path("expiresAt").asText()).isAfter(CHANGE);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            try {
                Thread.sleep(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String personId(int i) {
        return "M%07d".formatted(i);
    }

    /** Dose 2 on 1 Jun 2021, no booster: VACCINATED until 00:00 on 3 Jan 2022, 216 days on, and not after. */
    private void seed(InProcessCentre centre) {
        List<RegistryRecord> batch = new ArrayList<>();
        for (int i = 1; i <= persons; i++) {
            String id = personId(i);
            batch.add(new PersonRecord(
                    id, "자정시험", LocalDate.of(1950 + i % 50, 1 + i % 12, 1 + i % 28), Optional.empty()));
            batch.add(new ImmunizationRecord(id, LocalDate.of(2021, 5, 11), VaccineProduct.PFIZER, 1));
            batch.add(new ImmunizationRecord(id, LocalDate.of(2021, 6, 1), VaccineProduct.PFIZER, 2));
            if (batch.size() >= 3000) {
                centre.server.centre().registry().upsert(batch);
                batch.clear();
            }
        }
        centre.server.centre().registry().upsert(batch);
    }

    /**
     * The evening's ledger: each wallet fetched its credential at 21:00 (placeholder bytes: the rows matter, as the
     * device keys issue-ahead reads and the history the planner sees), valid until the rule change at 00:00.
     */
    private void eveningLedger(InProcessCentre centre, List<ECPublicKey> devices, Instant evening) {
        try (var c = centre.server.centre().database().dataSource().getConnection();
                var s = c.createStatement()) {
            s.execute("create temporary table night_device (idx int primary key, key bytea, hash bytea)");
            try (var insert = c.prepareStatement("insert into night_device values (?, ?, ?)")) {
                for (int i = 0; i < devices.size(); i++) {
                    byte[] key = EcPoints.compressed(devices.get(i));
                    insert.setInt(1, i);
                    insert.setBytes(2, key);
                    insert.setBytes(3, Digests.sha256(key));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (var ledger = c.prepareStatement("""
                    insert into issuance (serial, person_id, client_id, device_key_hash, device_key, issue_day, status, issued_at, expires_at, credential)
                    select substring(sha256(('e' || p.person_id)::bytea) for 12), p.person_id, 'midnight-wallet', d.hash, d.key,
                           ?, 'vaccinated', ?, ?, '\\x00'::bytea
                    from person p join night_device d on d.idx = substring(p.person_id from 2)::int % ?""")) {
                ledger.setObject(1, LocalDate.ofInstant(evening, ZONE));
                ledger.setTimestamp(2, Timestamp.from(evening));
                ledger.setTimestamp(3, Timestamp.from(CHANGE));
                ledger.setInt(4, DEVICES);
                ledger.executeUpdate();
            }
            s.execute("drop table night_device");
            s.execute("analyze");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the evening's ledger", e);
        }
    }

    /** The system clock, moved to a given instant of the night and running on from there. */
    private static final class NightClock extends Clock {
        private volatile Duration offset;

        NightClock(Instant start) {
            at(start);
        }

        void at(Instant instant) {
            offset = Duration.between(Instant.now(), instant);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the centre's clock is UTC");
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }
}
