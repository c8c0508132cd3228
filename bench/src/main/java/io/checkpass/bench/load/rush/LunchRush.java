package io.checkpass.bench.load.rush;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.bench.load.KeepAliveHttp;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.Pem;
import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.server.db.BundledPostgresBinaries;
import io.checkpass.server.visits.ContactCipher;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The lunch rush of 13 Dec 2021, replayed against the real system (docs/principles.md §8): wallets, venue scanners
 * and 안심콜 callers drive {@code checkpass serve} — a separate process — through its real HTTP and SIP endpoints
 * over a compressed 11:00–14:00 curve, the centre dies at 12:00 for a while (SIGKILL, or PostgreSQL stopped), and
 * at the end every check-in the scanners queued and every call the line confirmed is reconciled with the
 * database: lost and duplicated, counted.
 */
@Command(
        name = "lunch-rush",
        mixinStandardHelpOptions = true,
        description = "Replay a lunch rush (11:00-14:00, scaled) with a centre outage at 12:00; report what was lost.")
public final class LunchRush implements Callable<Integer> {
    /** The centre's clock runs from lunch on the first day of enforcement: the Dec 2021 rules apply. */
    static final Instant LUNCH_START =
            OffsetDateTime.of(2021, 12, 13, 11, 0, 0, 0, ZoneOffset.ofHours(9)).toInstant();
    /** Jan 2022: about 18.7M QR check-ins a day, 2–3k scans/s at the national peak minute (docs/principles.md §1). */
    static final double JAN_2022_PEAK_SCANS_PER_SECOND = 3000;

    @Option(
            names = "--minutes",
            defaultValue = "3",
            description = "Wall-clock minutes for 11:00-14:00 (default ${DEFAULT-VALUE}).")
    double minutes;

    @Option(
            names = "--target-rate",
            defaultValue = "30000",
            description = "National peak scans/s to represent (default ${DEFAULT-VALUE}, 10x Jan 2022).")
    double targetRate;

    @Option(
            names = "--peak-rate",
            defaultValue = "1000",
            description = "Door checks/s this machine drives at the peak (default ${DEFAULT-VALUE}).")
    double peakRate;

    @Option(names = "--scanners", defaultValue = "100", description = "Venue scanners (default ${DEFAULT-VALUE}).")
    int scanners;

    @Option(names = "--wallets", defaultValue = "2000", description = "Holders with phones (default ${DEFAULT-VALUE}).")
    int wallets;

    @Option(
            names = "--call-share",
            defaultValue = "0.05",
            description = "Call-ins per door check (default ${DEFAULT-VALUE}).")
    double callShare;

    @Option(
            names = "--outage",
            defaultValue = "kill",
            description = "kill (SIGKILL the server), db (stop PostgreSQL) or none (default ${DEFAULT-VALUE}).")
    String outage;

    @Option(
            names = "--outage-minutes",
            defaultValue = "30",
            description = "Simulated minutes the centre stays down from 12:00 (default ${DEFAULT-VALUE}).")
    double outageMinutes;

    @Option(names = "--report", description = "Write the JSON summary here.")
    Path report;

    @Option(names = "--chart", description = "Write an HTML chart here (default: next to --report).")
    Path chart;

    @Option(names = "--data", description = "Server data directory (default: a new temporary one).")
    Path data;

    @Option(
            names = "--first-pass",
            defaultValue = "0%",
            description = "Share of wallets (on top of --wallets) that fetch their first credential during the"
                    + " 12:00-12:30 peak, e.g. 30% (default ${DEFAULT-VALUE}).")
    String firstPass;

    @Option(
            names = "--cluster",
            description = "Run the centre as a cluster through scripts/cluster: PostgreSQL under Patroni (primary and"
                    + " synchronous standby), HAProxy, --nodes centre nodes. --outage does not apply; see --kill.")
    boolean cluster;

    @Option(
            names = "--nodes",
            defaultValue = "2",
            description = "Centre nodes with --cluster (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(
            names = "--kill",
            defaultValue = "",
            description =
                    "With --cluster, what dies at 12:00: node (centre node 1), db-primary (the PostgreSQL leader's"
                            + " Patroni and postmaster, 10 simulated minutes later), or both: node,db-primary.")
    String kill;

    private final ObjectMapper json = new ObjectMapper();
    private final RushStats stats = new RushStats();
    private final Es256 es256 = Es256.select();

    @Override
    public Integer call() throws Exception {
        if (!Set.of("kill", "db", "none").contains(outage)) {
            System.err.println("lunch-rush: --outage must be kill, db or none");
            return 2;
        }
        if (!firstPass.matches("\\d{1,2}(\\.\\d+)?%|100%")) {
            System.err.println("lunch-rush: --first-pass must be a share like 30%");
            return 2;
        }
        Set<String> kills = kill.isBlank() ? Set.of() : Set.of(kill.split(","));
        if (!Set.of("node", "db-primary").containsAll(kills)) {
            System.err.println("lunch-rush: --kill takes node, db-primary or node,db-primary");
            return 2;
        }
        if (!kills.isEmpty() && !cluster) {
            System.err.println("lunch-rush: --kill needs --cluster (without it, --outage takes the one centre down)");
            return 2;
        }
        if (cluster && (nodes < 1 || (kills.contains("node") && nodes < 2))) {
            System.err.println("lunch-rush: --nodes must be at least 1, and 2 to survive --kill node");
            return 2;
        }
        Path dir = data != null
                ? Files.createDirectories(data)
                // With --cluster, PostgreSQL runs as postgres under root and must reach its data directory in here.
                : Files.createTempDirectory(
                        "checkpass-lunch-rush",
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        double wallSeconds = minutes * 60;
        int herd = (int) Math.round(wallets * Double.parseDouble(firstPass.replace("%", "")) / 100);
        if (cluster) {
            return runCluster(dir, wallSeconds, herd, kills);
        }
        double compression = 180 * 60 / wallSeconds;
        double scale = peakRate / targetRate;
        System.out.printf(
                Locale.ROOT,
                "lunch rush: 11:00-14:00 in %.1f min (x%.0f time compression); peak %.0f door checks/s stands for %.0f/s "
                        + "nationally (scale factor %.4f; 10x Jan 2022 = %.0f/s); outage: %s for %.0f simulated minutes from 12:00%n",
                minutes,
                compression,
                peakRate,
                targetRate,
                scale,
                10 * JAN_2022_PEAK_SCANS_PER_SECOND,
                outage,
                outageMinutes);

        // Below the kernel's ephemeral range: the server's own outgoing connections (its two database pools) never
        // take these numbers, so the restart after the kill finds them free. SIP needs the port on UDP and TCP.
        int httpPort = freeListeningPort();
        int sipPort = freeListeningPort(httpPort);
        EmbeddedPostgres externalPostgres = null;
        int externalPort = 0;
        List<String> extra =
                new ArrayList<>(List.of("--demo", "--demo-persons", Integer.toString(Math.max(wallets + herd, 100))));
        if (outage.equals("db")) {
            externalPort = freeListeningPort(httpPort, sipPort);
            externalPostgres = startPostgres(dir.resolve("external-pg"), externalPort);
            extra.addAll(List.of("--db-url", "jdbc:postgresql://localhost:" + externalPort + "/postgres"));
        }
        Clock clock = Clock.offset(
                Clock.systemUTC(), Duration.between(Clock.systemUTC().instant(), LUNCH_START));
        ServerProcess server = new ServerProcess(
                dir, httpPort, sipPort, LUNCH_START.toString(), outage.equals("db") ? withUser(extra) : extra);
        server.start(Duration.ofSeconds(120));
        database = externalPostgres;
        int port = externalPort;
        try {
            return run(
                    dir,
                    server.base(),
                    List.of(sipPort),
                    clock,
                    wallSeconds,
                    herd,
                    lunch -> outageDrill(server, dir, port, clock, wallSeconds, lunch.runStart),
                    () -> outage.equals("db")
                            ? DriverManager.getConnection(
                                    "jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "")
                            : server.embeddedOwnerConnection(),
                    dir.resolve("keys"));
        } finally {
            server.stop();
            if (database != null) {
                database.close();
            }
        }
    }

    private static List<String> withUser(List<String> extra) {
        List<String> out = new ArrayList<>(extra);
        out.add("--db-user");
        out.add("postgres");
        return out;
    }

    /** The PostgreSQL this driver runs for the db drill (stopped and started again during the outage). */
    private EmbeddedPostgres database;

    /** Where the reconciliation reads the visit log, as the schema owner. */
    @FunctionalInterface
    private interface OwnerConnection {
        Connection open() throws Exception;
    }

    /**
     * The drill on the cluster (issue 17): the centre behind HAProxy on PostgreSQL under Patroni; at 12:00 centre
     * node 1 dies, 10 simulated minutes later the PostgreSQL leader, and at 12:30 both come back.
     */
    private int runCluster(Path dir, double wallSeconds, int herd, Set<String> kills) throws Exception {
        ClusterProcess centre = new ClusterProcess(
                ClusterProcess.repositoryRoot(), dir.resolve("cluster"), freeClusterPortBase(), nodes);
        Clock clock = Clock.offset(
                Clock.systemUTC(), Duration.between(Clock.systemUTC().instant(), LUNCH_START));
        System.out.printf(
                "cluster: %d centre nodes behind HAProxy, PostgreSQL under Patroni; kill: %s; first passes: %d wallets%n",
                nodes, kills.isEmpty() ? "nothing" : String.join(", ", kills), herd);
        centre.start(Math.max(wallets + herd, 100), LUNCH_START.toString());
        try {
            return run(
                    centre.firstNodeData(),
                    centre.base(),
                    centre.sipPorts(),
                    clock,
                    wallSeconds,
                    herd,
                    lunch -> clusterDrill(centre, kills, clock, wallSeconds, lunch),
                    centre::ownerConnection,
                    centre.keysDir());
        } finally {
            centre.stop();
        }
    }

    /** The failures as clients saw them: how long after each kill a wallet's request succeeded again. */
    private final Map<String, Long> failoverMillis = new ConcurrentHashMap<>();

    private int[] clusterDrill(ClusterProcess centre, Set<String> kills, Clock clock, double wallSeconds, Lunch lunch) {
        int[] outageSeconds = {-1, -1};
        if (kills.isEmpty()) {
            return outageSeconds;
        }
        try {
            sleepUntil(lunch.runStart, wallSeconds / 3);
            outageSeconds[0] = stats.second();
            if (kills.contains("node")) {
                lunch.fault.set(true);
                centre.killNode(1);
                failoverMillis.put("node", lunch.probe());
                lunch.fault.set(false);
            }
            if (kills.contains("db-primary")) {
                centre.waitSync();
                sleepUntil(lunch.runStart, wallSeconds / 3 + wallSeconds / 18);
                lunch.fault.set(true);
                centre.killPrimary();
                failoverMillis.put("db-primary", lunch.probe());
                lunch.fault.set(false);
            }
            sleepUntil(lunch.runStart, wallSeconds / 3 + wallSeconds / 6);
            centre.heal(clock.instant().toString());
            outageSeconds[1] = stats.second();
        } catch (IOException | InterruptedException e) {
            System.out.println("cluster drill failed: " + e);
        }
        return outageSeconds;
    }

    private static void sleepUntil(long runStart, double wallSecond) throws InterruptedException {
        long wait = runStart + (long) (wallSecond * 1e9) - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }

    private int run(
            Path credentialsDir,
            URI base,
            List<Integer> sipPorts,
            Clock clock,
            double wallSeconds,
            int herd,
            java.util.function.Function<Lunch, int[]> drill,
            OwnerConnection owner,
            Path keysDir)
            throws Exception {
        JsonNode clients = json.readTree(
                        credentialsDir.resolve("demo-credentials.json").toFile())
                .path("clients");
        String wallet =
                basic("wallet-demo", clients.path("wallet-demo").path("secret").asText());
        String admin =
                basic("admin-demo", clients.path("admin-demo").path("secret").asText());

        // The scanners' trust: the anchor pinned at sign-in, then the bundle.
        HttpClient http = HttpClient.newHttpClient();
        ECPublicKey anchor = Pem.readPublicKey(
                http.send(
                                HttpRequest.newBuilder(base.resolve("/api/v1/trust-anchor"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body(),
                es256);
        BundleMirror mirror = new BundleMirror(base, anchor, es256);
        TrustBundle bundle = mirror.refresh().orElseThrow(() -> new IOException("no trust bundle at start"));

        Set<String> sentIds = ConcurrentHashMap.newKeySet();
        List<String> callNumbers = new ArrayList<>();
        List<Scanner> doors = setUpDoors(base, admin, bundle, clock, sentIds, callNumbers);
        List<Wallet> phones = setUpWallets(base, wallet, clock);
        List<Wallet> newcomers = new ArrayList<>();
        for (int i = wallets + 1; i <= wallets + herd; i++) {
            newcomers.add(new Wallet("D%06d".formatted(i), es256.generateKeyPair(), es256));
        }
        System.out.printf(
                "setup: %d venues with scanners (%d with 안심콜 numbers), %d wallets with credentials, %d to get their"
                        + " first at 12:00-12:30%n",
                doors.size(), callNumbers.size(), phones.size(), newcomers.size());

        Lunch lunch = new Lunch(base, wallet, doors, phones, callNumbers, wallSeconds, clock);
        int startSecond = stats.second();
        int[] outageSeconds = lunch.serve(mirror, sipPorts, newcomers, () -> drill.apply(lunch));
        int seconds = stats.second() - startSecond + 1;
        Reconciliation r;
        try (Connection c = owner.open()) {
            r = reconcile(c, keysDir, sentIds, lunch.confirmedCallers);
        }
        return summarise(r, lunch, seconds, startSecond, outageSeconds);
    }

    /** Creates the venues, their scanners (doors) and the first 20 venues' 안심콜 numbers through the API. */
    private List<Scanner> setUpDoors(
            URI base, String admin, TrustBundle bundle, Clock clock, Set<String> sentIds, List<String> callNumbers)
            throws IOException {
        String[] venueTypes = {
            "restaurant_cafe", "restaurant_cafe", "restaurant_cafe", "karaoke", "indoor_sports", "pc_cafe", "bathhouse"
        };
        List<Scanner> doors = new ArrayList<>();
        try (KeepAliveHttp setup = new KeepAliveHttp(base, 30_000)) {
            for (int s = 0; s < scanners; s++) {
                String venueId = "rush-%04d".formatted(s);
                String type = venueTypes[s % venueTypes.length];
                String call = s < 20 ? "08001%05d".formatted(s) : null;
                ObjectNode venue = json.createObjectNode()
                        .put("venueId", venueId)
                        .put("businessNumber", "999-99-%05d".formatted(s))
                        .put("name", "점심 " + s)
                        .put("address", "서울")
                        .put("region", "서울")
                        .put("venueType", type);
                if (call != null) {
                    venue.put("callNumber", call);
                    callNumbers.add(call);
                }
                requireStatus(setup.tryPost("/api/v1/venues", admin, bytes(venue)), 201, "create venue " + venueId);
                KeepAliveHttp.Response scanner = setup.tryPost(
                        "/api/v1/venues/" + venueId + "/scanners",
                        admin,
                        bytes(json.createObjectNode().put("scannerId", "scanner-" + venueId)));
                requireStatus(scanner, 201, "create scanner for " + venueId);
                String secret = json.readTree(scanner.text()).path("secret").asText();
                doors.add(new Scanner(
                        "scanner-" + venueId,
                        venueId,
                        new VenueType(type),
                        basic("scanner-" + venueId, secret),
                        bundle,
                        es256,
                        clock,
                        stats,
                        sentIds));
            }
        }
        return doors;
    }

    /**
     * At simulated 12:00 takes the centre down (SIGKILL, or its database) for the outage, then brings it back;
     * returns the stats seconds at which it went down and came back ({@code -1} if it did not).
     */
    private int[] outageDrill(
            ServerProcess server, Path dir, int externalPort, Clock clock, double wallSeconds, long runStart) {
        int[] outageSeconds = {-1, -1};
        if (outage.equals("none")) {
            return outageSeconds;
        }
        long outageStartWall = (long) (wallSeconds / 3);
        long outageWall = Math.round(outageMinutes / 180 * wallSeconds);
        try {
            Thread.sleep(Duration.ofMillis(outageStartWall * 1000));
            outageSeconds[0] = stats.second();
            takeDown(server);
            System.out.printf("%.0fs (12:00): centre down (%s)%n", (System.nanoTime() - runStart) / 1e9, outage);
            Thread.sleep(Duration.ofMillis(outageWall * 1000));
            bringUp(server, dir, externalPort, clock);
            outageSeconds[1] = stats.second();
            System.out.printf("%.0fs: centre back%n", (System.nanoTime() - runStart) / 1e9);
        } catch (IOException | InterruptedException e) {
            System.out.println("outage drill failed: " + e);
        }
        return outageSeconds;
    }

    /** The lunch itself: doors checking and uploading, wallets refreshing, callers dialling, at the curve's rate. */
    private final class Lunch {
        final URI base;
        final String wallet;
        final List<Scanner> doors;
        final List<Wallet> phones;
        final List<String> callNumbers;
        final double wallSeconds;
        final Clock clock;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicBoolean uploading = new AtomicBoolean(true);
        final AtomicLong driverBehind = new AtomicLong();
        final Set<String> confirmedCallers = ConcurrentHashMap.newKeySet();
        final ThreadPoolExecutor doorThreads = new ThreadPoolExecutor(
                2,
                2,
                1,
                TimeUnit.MINUTES,
                new ArrayBlockingQueue<>(20_000),
                (task, pool) -> driverBehind.incrementAndGet());
        final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
        long runStart;
        long callerNumber = 10_000_000;
        /** Set by the cluster drill from a kill until a client's request succeeds again. */
        final AtomicBoolean fault = new AtomicBoolean();
        /** Call attempts (to one node) that got no 603 while {@link #fault} was set. */
        final AtomicLong callAttemptsRefusedInFault = new AtomicLong();
        /** Milliseconds from a newcomer's first request to its first credential, one entry per newcomer served. */
        final Histogram firstPassMillis = new Histogram(3_600_000L, 3);

        final AtomicLong firstPassesWanted = new AtomicLong();
        private List<SipCaller> callers = List.of();

        Lunch(
                URI base,
                String wallet,
                List<Scanner> doors,
                List<Wallet> phones,
                List<String> callNumbers,
                double wallSeconds,
                Clock clock) {
            this.base = base;
            this.wallet = wallet;
            this.doors = doors;
            this.phones = phones;
            this.callNumbers = callNumbers;
            this.wallSeconds = wallSeconds;
            this.clock = clock;
        }

        /** Runs the lunch with the outage drill beside it, then drains the doors' queues; returns the drill's seconds. */
        int[] serve(BundleMirror mirror, List<Integer> sipPorts, List<Wallet> newcomers, Supplier<int[]> drill)
                throws Exception {
            runStart = System.nanoTime();
            List<SipCaller> opened = new ArrayList<>();
            for (int port : sipPorts) {
                opened.add(new SipCaller(port));
            }
            callers = opened;
            try (SipCaller caller = opened.getFirst()) {
                for (Wallet newcomer : newcomers) {
                    // The 13 Dec herd: first credentials fetched at random moments of 12:00-12:30.
                    double at = wallSeconds / 3 + ThreadLocalRandom.current().nextDouble() * wallSeconds / 6;
                    background.submit(() -> firstPass(newcomer, at));
                }
                for (Scanner door : doors) {
                    background.submit(() -> {
                        door.uploadLoop(base, 2000, 500, uploading::get);
                        return null;
                    });
                }
                background.submit(() -> mirrorLoop(mirror, doors, running));
                background.submit(() -> refreshLoop(base, wallet, phones, wallSeconds, running));
                background.submit(() -> progressLoop(doors, wallSeconds, runStart, running));
                FutureTask<int[]> outage = new FutureTask<>(drill::get);
                Thread.ofVirtual().name("outage-drill").start(outage);
                tick(caller);
                running.set(false);
                doorThreads.shutdown();
                doorThreads.awaitTermination(1, TimeUnit.MINUTES);
                int[] outageSeconds = outage.get();
                System.out.printf(
                        "lunch over: %d door checks; draining the scanners' queues...%n", stats.doorChecks.sum());
                uploading.set(false);
                background.shutdown();
                if (!background.awaitTermination(5, TimeUnit.MINUTES)) {
                    System.out.println("drain timed out after 5 minutes; whatever is still queued counts as lost");
                }
                return outageSeconds;
            } finally {
                opened.forEach(SipCaller::close);
            }
        }

        /**
         * A holder fetching a first credential, as on 13 Dec: the app retries every second while the centre
         * answers 503 or nothing, until lunch is over.
         */
        private Void firstPass(Wallet newcomer, double atWallSecond) throws InterruptedException {
            firstPassesWanted.incrementAndGet();
            sleepUntil(runStart, atWallSecond);
            long started = System.nanoTime();
            try (KeepAliveHttp http = new KeepAliveHttp(base, 10_000)) {
                while (running.get() || uploading.get()) {
                    if (issue(http, wallet, newcomer, "POST /api/v1/passes (first pass)")) {
                        synchronized (firstPassMillis) {
                            firstPassMillis.recordValue(
                                    Math.min(3_600_000L, (System.nanoTime() - started) / 1_000_000));
                        }
                        return null;
                    }
                    Thread.sleep(1000);
                }
            }
            return null;
        }

        /**
         * A wallet asking for its credential every 100 ms for 30 s from the kill: the longest stretch without an
         * answer (from the kill, or between two answers) is the failover as a client sees it, in milliseconds; -1
         * if it was never answered again. The first request may still be answered by a connection the dying
         * PostgreSQL has not closed yet, so the first answer alone says nothing.
         */
        long probe() throws InterruptedException {
            long started = System.nanoTime();
            long lastAnswer = started;
            long longest = 0;
            boolean answered = false;
            Wallet phone = phones.getFirst();
            while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30)) {
                try (KeepAliveHttp http = new KeepAliveHttp(base, 2_000)) {
                    if (issue(http, wallet, phone, "POST /api/v1/passes (failover probe)")) {
                        long now = System.nanoTime();
                        longest = Math.max(longest, now - lastAnswer);
                        lastAnswer = now;
                        answered = true;
                    }
                }
                Thread.sleep(100);
            }
            if (!answered || System.nanoTime() - lastAnswer > TimeUnit.SECONDS.toNanos(5)) {
                return -1;
            }
            long millis = longest / 1_000_000;
            System.out.printf(
                    "%.0fs: longest a probing wallet went unanswered in the 30 s after the kill: %d ms%n",
                    (System.nanoTime() - runStart) / 1e9, millis);
            return millis;
        }

        /** Door checks and call-ins at the curve's rate; each 10 ms tick hands out what the rate owes. */
        private void tick(SipCaller caller) throws InterruptedException {
            double owedDoor = 0;
            double owedCalls = 0;
            while (true) {
                double elapsed = (System.nanoTime() - runStart) / 1e9;
                if (elapsed >= wallSeconds) {
                    return;
                }
                double rate = peakRate * LunchCurve.at(elapsed / wallSeconds * 180);
                owedDoor += rate * 0.01;
                owedCalls += rate * callShare * 0.01;
                for (; owedDoor >= 1; owedDoor--) {
                    checkAtADoor();
                }
                for (; owedCalls >= 1 && !callNumbers.isEmpty(); owedCalls--) {
                    callIn(caller);
                }
                Thread.sleep(10);
            }
        }

        private void checkAtADoor() {
            // Each holder lunches at one venue (wallets are dealt to scanners in turn), and each door sees its
            // regulars in rotation: a phone shown at one door in two places at once would be a fraud signal,
            // and the same QR twice in one second a replay — neither is what a lunch crowd does.
            int d = ThreadLocalRandom.current().nextInt(doors.size());
            Scanner door = doors.get(d);
            int regulars = Math.max(1, phones.size() / doors.size());
            Wallet phone = phones.get((d + doors.size() * (int) (door.nextRegular() % regulars)) % phones.size());
            boolean screenshot = ThreadLocalRandom.current().nextInt(100) == 0;
            doorThreads.execute(() -> {
                Instant now = clock.instant();
                door.check(screenshot ? phone.screenshot(now, 90) : phone.present(now), !screenshot);
            });
        }

        /**
         * A trunk with every node as a target: the call goes to one node, and if that node does not confirm it, the
         * same call (same Call-ID) to the next; the nodes agree on its check-in (sip.SharedCalls).
         */
        private boolean callAnyNode(String venueNumber, String visitor) {
            String callId = java.util.UUID.randomUUID() + "@rush";
            int first = ThreadLocalRandom.current().nextInt(callers.size());
            for (int i = 0; i < callers.size(); i++) {
                if (callers.get((first + i) % callers.size()).call(venueNumber, visitor, callId)) {
                    return true;
                }
                if (fault.get()) {
                    callAttemptsRefusedInFault.incrementAndGet();
                }
            }
            return false;
        }

        private void callIn(SipCaller caller) {
            String venueNumber = callNumbers.get(ThreadLocalRandom.current().nextInt(callNumbers.size()));
            String visitor = "010" + (callerNumber++);
            background.submit(() -> {
                long started = System.nanoTime();
                boolean logged = callAnyNode(venueNumber, visitor);
                stats.exchange("SIP INVITE", logged ? 603 : -1, System.nanoTime() - started);
                if (logged) {
                    confirmedCallers.add(visitor);
                    stats.callsConfirmed.increment();
                } else {
                    stats.callsFailed.increment();
                }
            });
        }
    }

    private List<Wallet> setUpWallets(URI base, String wallet, Clock clock) throws Exception {
        List<Wallet> phones = new ArrayList<>();
        for (int i = 1; i <= wallets; i++) {
            phones.add(new Wallet("D%06d".formatted(i), es256.generateKeyPair(), es256));
        }
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (Wallet phone : phones) {
                pool.submit(() -> {
                    try (KeepAliveHttp http = new KeepAliveHttp(base, 30_000)) {
                        refresh(http, wallet, phone);
                    }
                });
            }
        }
        List<Wallet> ready = phones.stream().filter(Wallet::hasCredential).toList();
        if (ready.size() < phones.size() / 2) {
            throw new IOException(
                    "only " + ready.size() + " of " + phones.size() + " wallets got a credential at start");
        }
        return ready;
    }

    private boolean refresh(KeepAliveHttp http, String wallet, Wallet phone) {
        return issue(http, wallet, phone, "POST /api/v1/passes");
    }

    /** One credential request, recorded under {@code endpoint}; true when the wallet got its credential. */
    private boolean issue(KeepAliveHttp http, String wallet, Wallet phone, String endpoint) {
        long started = System.nanoTime();
        KeepAliveHttp.Response response = http.tryPost(
                "/api/v1/passes",
                wallet,
                bytes(json.createObjectNode()
                        .put("personId", phone.personId)
                        .put("devicePublicKey", phone.devicePublicKey)));
        stats.exchange(endpoint, response.status(), System.nanoTime() - started);
        stats.walletRefreshes.increment();
        if (response.status() == 200 || response.status() == 201) {
            try {
                phone.credential(Base64.getUrlDecoder()
                        .decode(json.readTree(response.text())
                                .path("credential")
                                .asText()));
                return true;
            } catch (IOException e) {
                return false;
            }
        }
        stats.walletRefreshFailures.increment();
        return false;
    }

    /** Wallets refresh in the background, ahead of need, at random times: about three times each over lunch. */
    private Void refreshLoop(URI base, String wallet, List<Wallet> phones, double wallSeconds, AtomicBoolean running)
            throws InterruptedException {
        double perSecond = phones.size() * 3 / wallSeconds;
        try (KeepAliveHttp http = new KeepAliveHttp(base, 10_000)) {
            double owed = 0;
            while (running.get()) {
                owed += perSecond * 0.05;
                for (; owed >= 1; owed--) {
                    refresh(http, wallet, phones.get(ThreadLocalRandom.current().nextInt(phones.size())));
                }
                Thread.sleep(50);
            }
        }
        return null;
    }

    private Void mirrorLoop(BundleMirror mirror, List<Scanner> doors, AtomicBoolean running)
            throws InterruptedException {
        while (running.get()) {
            Thread.sleep(5000);
            mirror.refresh().ifPresent(b -> doors.forEach(d -> d.install(b)));
        }
        return null;
    }

    private Void progressLoop(List<Scanner> doors, double wallSeconds, long runStart, AtomicBoolean running)
            throws InterruptedException {
        long lastDoor = 0;
        while (running.get()) {
            Thread.sleep(5000);
            double elapsed = (System.nanoTime() - runStart) / 1e9;
            long door = stats.doorChecks.sum();
            long queued = doors.stream().mapToLong(Scanner::queued).sum();
            int simMinutes = (int) (elapsed / wallSeconds * 180);
            System.out.printf(
                    Locale.ROOT,
                    "%5.0fs  %02d:%02d  door %5.0f/s  queued %6d  %s%n",
                    elapsed,
                    11 + simMinutes / 60,
                    simMinutes % 60,
                    (door - lastDoor) / 5.0,
                    queued,
                    stats.statusCounts());
            lastDoor = door;
        }
        return null;
    }

    private void takeDown(ServerProcess server) throws IOException, InterruptedException {
        if (outage.equals("kill")) {
            server.kill();
        } else {
            database.close();
            database = null;
        }
    }

    private void bringUp(ServerProcess server, Path dir, int externalPort, Clock clock)
            throws IOException, InterruptedException {
        if (outage.equals("kill")) {
            // The clock must carry on from where it was, not start lunch again.
            server.restart(clock.instant().toString(), Duration.ofSeconds(120));
        } else {
            database = startPostgres(dir.resolve("external-pg"), externalPort);
        }
    }

    private record Reconciliation(
            long sent,
            long stored,
            long lost,
            long duplicated,
            long callsConfirmed,
            long callsStored,
            long callsLost,
            long callsDuplicated) {}

    private Reconciliation reconcile(Connection c, Path keysDir, Set<String> sentIds, Set<String> confirmedCallers)
            throws Exception {
        Map<String, Integer> stored = new HashMap<>();
        Map<String, Integer> callsByHmac = new HashMap<>();
        {
            try (PreparedStatement s = c.prepareStatement(
                            "select checkin_id::text, channel, contact_hmac from visits.checkin where venue_id like 'rush-%'");
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    if (r.getString(2).equals("CALL")) {
                        callsByHmac.merge(Base64.getEncoder().encodeToString(r.getBytes(3)), 1, Integer::sum);
                    } else {
                        stored.merge(r.getString(1), 1, Integer::sum);
                    }
                }
            }
        }
        long storedSent = sentIds.stream().filter(stored::containsKey).count();
        long duplicated = stored.values().stream()
                .filter(n -> n > 1)
                .mapToLong(n -> n - 1)
                .sum();
        long strangers =
                stored.keySet().stream().filter(id -> !sentIds.contains(id)).count();
        ContactCipher cipher = ContactCipher.open(keysDir, Optional.empty());
        long callsStored = 0;
        long callsDuplicated = 0;
        for (String visitor : confirmedCallers) {
            Integer n = callsByHmac.get(Base64.getEncoder()
                    .encodeToString(cipher.hmac(PhoneNumber.parse(visitor).orElseThrow())));
            if (n != null) {
                callsStored++;
                callsDuplicated += n - 1;
            }
        }
        return new Reconciliation(
                sentIds.size(),
                stored.size(),
                sentIds.size() - storedSent,
                duplicated + strangers,
                confirmedCallers.size(),
                callsStored,
                confirmedCallers.size() - callsStored,
                callsDuplicated);
    }

    private int summarise(Reconciliation r, Lunch lunch, int seconds, int startSecond, int[] outageSeconds)
            throws IOException {
        long driverBehind = lunch.driverBehind.get();
        ObjectNode out = json.createObjectNode();
        out.put("scale_factor", peakRate / targetRate);
        out.put("target_national_peak_per_second", targetRate);
        out.put("driven_peak_per_second", peakRate);
        out.put("minutes", minutes);
        out.put("outage", outage);
        out.put("outage_seconds", outageSeconds[0] < 0 ? 0 : outageSeconds[1] - outageSeconds[0]);
        out.put("door_checks", stats.doorChecks.sum());
        out.put("door_failures_due_to_centre", stats.doorFailuresDueToCentre.sum());
        out.put("door_checks_not_driven", driverBehind);
        out.set("verdicts", json.valueToTree(stats.verdictCounts()));
        out.put("checkins_sent", r.sent());
        out.put("checkins_stored", r.stored());
        out.put("lost", r.lost() + r.callsLost());
        out.put("duplicated", r.duplicated() + r.callsDuplicated());
        out.put("qr_lost", r.lost());
        out.put("qr_duplicated", r.duplicated());
        out.put("calls_confirmed", r.callsConfirmed());
        out.put("calls_stored", r.callsStored());
        out.put("calls_lost", r.callsLost());
        out.put("calls_duplicated", r.callsDuplicated());
        out.put("calls_not_confirmed", stats.callsFailed.sum());
        out.put("wallet_refreshes", stats.walletRefreshes.sum());
        out.put("wallet_refresh_failures", stats.walletRefreshFailures.sum());
        out.put("server_errors", stats.serverErrors.sum());
        // p99 of answered requests per endpoint; shed ones (503) are reported apart, as "<endpoint> (503)".
        ObjectNode p99 = out.putObject("p99_ms");
        ObjectNode latency = out.putObject("latency_ms");
        for (String endpoint : stats.latencies.keySet()) {
            Histogram h = stats.latency(endpoint);
            p99.put(endpoint, h.getValueAtPercentile(99) / 1000.0);
            latency.putObject(endpoint)
                    .put("count", h.getTotalCount())
                    .put("p50", h.getValueAtPercentile(50) / 1000.0)
                    .put("p99", h.getValueAtPercentile(99) / 1000.0)
                    .put("p999", h.getValueAtPercentile(99.9) / 1000.0)
                    .put("max", h.getMaxValue() / 1000.0);
        }
        out.set("responses", json.valueToTree(stats.statusCounts()));
        if (cluster) {
            out.put("cluster_nodes", nodes);
            out.put("kill", kill);
            out.set("failover_seen_by_clients_ms", json.valueToTree(failoverMillis));
            out.put("call_attempts_refused_during_failover", lunch.callAttemptsRefusedInFault.get());
        }
        long wanted = lunch.firstPassesWanted.get();
        if (wanted > 0) {
            Histogram h;
            synchronized (lunch.firstPassMillis) {
                h = lunch.firstPassMillis.copy();
            }
            Histogram issuance = stats.latency("POST /api/v1/passes (first pass)");
            out.putObject("first_pass")
                    .put("wallets", wanted)
                    .put("obtained", h.getTotalCount())
                    .put("share_within_10s", wanted == 0 ? 0 : (double) countAtMost(h, 10_000) / wanted)
                    .put("time_to_pass_p50_ms", h.getValueAtPercentile(50))
                    .put("time_to_pass_p99_ms", h.getValueAtPercentile(99))
                    .put("issuance_p50_ms", issuance.getValueAtPercentile(50) / 1000.0)
                    .put("issuance_p99_ms", issuance.getValueAtPercentile(99) / 1000.0);
        }
        String text = json.writerWithDefaultPrettyPrinter().writeValueAsString(out);
        System.out.println(text);
        if (report != null) {
            Files.writeString(report, text + "\n");
        }
        Path chartFile =
                chart != null ? chart : report != null ? report.resolveSibling(report.getFileName() + ".html") : null;
        if (chartFile != null) {
            writeChart(chartFile, seconds, startSecond, outageSeconds, text);
        }
        boolean clean = r.lost() + r.callsLost() == 0
                && failoverMillis.values().stream().allMatch(ms -> ms >= 0)
                && r.duplicated() + r.callsDuplicated() == 0
                && stats.doorFailuresDueToCentre.sum() == 0
                && stats.serverErrors.sum() == 0;
        System.out.println(
                clean
                        ? "OK: nothing lost, nothing duplicated, no door check failed because of the centre, no 5xx but 503"
                        : "NOT OK: see lost, duplicated, door_failures_due_to_centre and server_errors above");
        return clean ? 0 : 1;
    }

    private void writeChart(Path file, int seconds, int startSecond, int[] outageSeconds, String summary)
            throws IOException {
        var checkins = stats.perSecond.getOrDefault(
                "POST /api/v1/checkins", new org.HdrHistogram.ConcurrentHistogram[RushStats.MAX_SECONDS]);
        var passes = stats.perSecond.getOrDefault(
                "POST /api/v1/passes", new org.HdrHistogram.ConcurrentHistogram[RushStats.MAX_SECONDS]);
        List<List<RushChart.Series>> panels = List.of(
                List.of(
                        new RushChart.Series("door checks/s", "#2a7", t -> stats.doorPerSecond.get(startSecond + t)),
                        new RushChart.Series(
                                "check-ins stored/s", "#27c", t -> stats.storedPerSecond.get(startSecond + t))),
                List.of(
                        new RushChart.Series("503/s", "#e90", t -> stats.shedPerSecond.get(startSecond + t)),
                        new RushChart.Series(
                                "no answer or 5xx/s", "#c22", t -> stats.errorsPerSecond.get(startSecond + t))),
                List.of(
                        new RushChart.Series("checkins p99 ms", "#27c", t -> p99(checkins, startSecond + t)),
                        new RushChart.Series("passes p99 ms", "#a3c", t -> p99(passes, startSecond + t))));
        RushChart.write(
                file,
                "checkpass lunch rush",
                seconds,
                outageSeconds[0] - startSecond,
                outageSeconds[1] - startSecond,
                panels,
                List.of("Throughput", "Shed and failed requests", "Latency of answered requests (p99 per second)"),
                summary);
    }

    private static double p99(org.HdrHistogram.ConcurrentHistogram[] series, int second) {
        var h = series[Math.min(second, series.length - 1)];
        return h == null ? 0 : h.getValueAtPercentile(99) / 1000.0;
    }

    static EmbeddedPostgres startPostgres(Path dir, int port) throws IOException {
        Files.createDirectories(dir.getParent());
        return EmbeddedPostgres.builder()
                .setPgBinaryResolver(new BundledPostgresBinaries())
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
    }

    private static void requireStatus(KeepAliveHttp.Response response, int expected, String what) throws IOException {
        if (response.status() != expected) {
            throw new IOException(what + ": HTTP " + response.status() + " " + response.text());
        }
    }

    private byte[] bytes(ObjectNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static long countAtMost(Histogram h, long value) {
        return h.getCountBetweenValues(0, value);
    }

    /** A base for the cluster's ports (base .. base+70, below the ephemeral range) on which nothing listens. */
    private static int freeClusterPortBase() throws IOException {
        var random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 50; attempt++) {
            int candidate = 20000 + random.nextInt(90) * 100;
            boolean free = true;
            for (int port = candidate; port <= candidate + 70 && free; port++) {
                try (ServerSocket tcp = new ServerSocket(port)) {
                    tcp.setReuseAddress(true);
                } catch (IOException inUse) {
                    free = false;
                }
            }
            if (free) {
                return candidate;
            }
        }
        throw new IOException("no free range of 70 ports in 20000..28999 for the cluster");
    }

    /** A port in 20000..29999 (under Linux's ephemeral range) free on TCP and UDP, none of {@code taken}. */
    private static int freeListeningPort(int... taken) throws IOException {
        var random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20000 + random.nextInt(10000);
            if (java.util.Arrays.stream(taken).anyMatch(t -> t == port)) {
                continue;
            }
            try (ServerSocket tcp = new ServerSocket(port);
                    DatagramSocket udp = new DatagramSocket(port)) {
                return port;
            } catch (IOException inUse) {
                // try another
            }
        }
        throw new IOException("no port in 20000..29999 is free on both TCP and UDP");
    }
}
