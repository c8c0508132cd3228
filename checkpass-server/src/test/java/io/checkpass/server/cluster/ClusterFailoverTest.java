package io.checkpass.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.server.visits.ContactCipher;
import io.checkpass.server.visits.Uuid7;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The centre as a cluster, started by {@code scripts/cluster} (docs/adr/0021): two {@code checkpass serve} nodes
 * behind HAProxy, PostgreSQL under Patroni with a primary and a synchronous standby. Under a load of QR check-ins
 * (through HAProxy) and 안심콜 calls (SIP to the nodes, as a trunk with two targets sends them: a call unanswered by
 * one node is re-sent to the other), a centre node is killed, then the PostgreSQL primary. Every acknowledged
 * check-in and call is in the database exactly once, and clients saw nothing but 202, 503 or a failed connection
 * (which they retry).
 */
class ClusterFailoverTest {
    private static final Logger log = LoggerFactory.getLogger(ClusterFailoverTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Set<String> PACKAGES = Set.of("etcd", "patroni", "haproxy", "psql");

    private static Path dir;
    private static int base;
    private static volatile boolean failed = true;

    @BeforeAll
    static void startCluster() throws Exception {
        List<String> missing = PACKAGES.stream().filter(c -> !onPath(c)).toList();
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!missing.isEmpty() || !Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/postgres"))) {
            String why = "the cluster test needs the Debian packages etcd-server, patroni, postgresql-15 and haproxy"
                    + " (missing: " + missing + "); ./checkpass-test installs them";
            Assumptions.assumeTrue(root, why + " as root; skipped for this user");
            throw new AssertionError(why);
        }
        dir = Files.createTempDirectory("checkpass-cluster");
        base = freePortBase();
        failed = true;
        script(180, "start", "--nodes", "2", "--demo", "--demo-persons", "20");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (dir != null) {
            // A failed run keeps its state directory (logs/, the data) for a look.
            script(60, failed ? "stop" : "destroy");
        }
    }

    @Test
    void a_node_and_then_the_primary_die_under_load_and_nothing_acknowledged_is_lost_or_doubled() throws Exception {
        JsonNode clients = JSON.readTree(
                        dir.resolve("node1/demo-credentials.json").toFile())
                .path("clients");
        Load load = new Load(clients);
        load.start();
        try {
            load.awaitAcknowledged(200, Duration.ofSeconds(30));
            script(10, "kill-node", "1");
            load.awaitAcknowledged(load.acknowledged() + 200, Duration.ofSeconds(30));
            script(10, "wait-sync");
            script(10, "kill-primary");
            Instant killed = Instant.now();
            load.awaitAcknowledged(load.acknowledged() + 200, Duration.ofSeconds(60));
            log.info(
                    "writes acknowledged again {} ms after the primary was killed",
                    Duration.between(killed, Instant.now()).toMillis());
        } finally {
            load.stop();
        }

        log.info("clients saw {}", load.statuses);
        assertThat(load.statuses.keySet())
                .as("what clients saw: 202 stored, 503 come back later, -1 connection failed (retried)")
                .isSubsetOf(202, 503, -1);
        assertThat(load.callFinals.keySet()).as("final responses to calls").isSubsetOf(603, 503);
        assertThat(load.acknowledged()).isGreaterThan(600);

        Map<UUID, Integer> stored = new HashMap<>();
        Map<String, Integer> callsByHmac = new HashMap<>();
        try (Connection c = ownerConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select checkin_id, channel, contact_hmac from visits.checkin")) {
            while (r.next()) {
                if (r.getString(2).equals("CALL")) {
                    callsByHmac.merge(Base64.getEncoder().encodeToString(r.getBytes(3)), 1, Integer::sum);
                } else {
                    stored.merge(r.getObject(1, UUID.class), 1, Integer::sum);
                }
            }
        }
        List<UUID> lost = load.acknowledgedIds.stream()
                .filter(id -> !stored.containsKey(id))
                .toList();
        assertThat(lost)
                .as("acknowledged check-ins missing after the failovers")
                .isEmpty();
        assertThat(stored.values()).as("check-ins stored more than once").allMatch(n -> n == 1);

        ContactCipher cipher = ContactCipher.open(dir.resolve("keys"), Optional.empty());
        int callsStored = 0;
        for (String caller : load.confirmedCallers) {
            Integer n = callsByHmac.get(Base64.getEncoder()
                    .encodeToString(cipher.hmac(PhoneNumber.parse(caller).orElseThrow())));
            assertThat(n).as("CALL check-ins of confirmed caller " + caller).isEqualTo(1);
            callsStored++;
        }
        assertThat(callsStored).isGreaterThan(10);
        assertThat(callsByHmac.values()).as("calls stored more than once").allMatch(n -> n == 1);
        log.info(
                "{} check-ins and {} calls acknowledged, all stored once; {} calls re-sent to the other node",
                load.acknowledgedIds.size(),
                callsStored,
                load.callsResent.get());
        // The figures of this run, for docs/PERFORMANCE.md (the test's log is quiet under surefire).
        Files.writeString(
                Path.of("target", "cluster-failover.txt"),
                "statuses=%s call_finals=%s acknowledged=%d calls_confirmed=%d calls_resent=%d longest_gap_ms=%d%n"
                        .formatted(
                                load.statuses,
                                load.callFinals,
                                load.acknowledgedIds.size(),
                                callsStored,
                                load.callsResent.get(),
                                TimeUnit.NANOSECONDS.toMillis(load.longestGap.get())),
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        failed = false;
    }

    /** QR check-in uploads through HAProxy and calls to the nodes' SIP ports, until stopped. */
    private static final class Load {
        private final JsonNode clients;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();
        final ConcurrentLinkedQueue<UUID> acknowledgedIds = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> confirmedCallers = new ConcurrentLinkedQueue<>();
        final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        final Map<Integer, AtomicLong> callFinals = new ConcurrentHashMap<>();
        final AtomicLong callsResent = new AtomicLong();
        /** The longest time no scanner got a 202: the failover as clients see it. */
        final AtomicLong longestGap = new AtomicLong();

        private final AtomicLong lastAck = new AtomicLong();
        private final AtomicLong callers = new AtomicLong();

        Load(JsonNode clients) {
            this.clients = clients;
        }

        long acknowledged() {
            return acknowledgedIds.size();
        }

        void start() {
            for (int s = 1; s <= 4; s++) {
                String scanner = "scanner-venue-%02d".formatted(s);
                String auth = "Basic "
                        + Base64.getEncoder()
                                .encodeToString((scanner + ":"
                                                + clients.path(scanner)
                                                        .path("secret")
                                                        .asText())
                                        .getBytes(StandardCharsets.UTF_8));
                threads.add(Thread.ofPlatform().name("scanner-" + s).start(() -> scan(auth)));
            }
            for (int s = 1; s <= 2; s++) {
                int venue = s;
                threads.add(Thread.ofPlatform().name("trunk-" + s).start(() -> call(venue)));
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(90));
            }
        }

        void awaitAcknowledged(long count, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (acknowledged() < count) {
                assertThat(System.nanoTime())
                        .as("acknowledged check-ins reach " + count)
                        .isLessThan(deadline);
                Thread.sleep(100);
            }
        }

        /** A scanner: a batch of 10 check-ins, sent until stored (202), the same ids every time. */
        private void scan(String auth) {
            Clock clock = Clock.systemUTC();
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            URI uri = URI.create("http://127.0.0.1:" + (base + 1) + "/api/v1/checkins");
            while (running.get()) {
                List<UUID> ids = new ArrayList<>();
                StringBuilder body = new StringBuilder("{\"checkins\":[");
                for (int i = 0; i < 10; i++) {
                    UUID id = Uuid7.next(clock);
                    ids.add(id);
                    body.append(i == 0 ? "" : ",")
                            .append("{\"id\":\"")
                            .append(id)
                            .append("\",\"channel\":\"QR\",\"serial\":\"")
                            .append("%024x"
                                    .formatted(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE)))
                            .append("\",\"format\":\"CP1\",\"verdict\":\"ADMIT\",\"reason\":\"VALID\",")
                            .append("\"scannedAt\":\"")
                            .append(clock.instant().minusSeconds(1))
                            .append("\"}");
                }
                String json = body.append("]}").toString();
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < until) {
                    int status;
                    try {
                        status = http.send(
                                        HttpRequest.newBuilder(uri)
                                                .timeout(Duration.ofSeconds(10))
                                                .header("Authorization", auth)
                                                .header("Content-Type", "application/json")
                                                .POST(HttpRequest.BodyPublishers.ofString(json))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode();
                    } catch (IOException e) {
                        status = -1;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
                    if (status == 202) {
                        long now = System.nanoTime();
                        long last = lastAck.getAndSet(now);
                        if (last != 0) {
                            longestGap.accumulateAndGet(now - last, Math::max);
                        }
                        acknowledgedIds.addAll(ids);
                        break;
                    }
                    sleep(200);
                }
            }
        }

        /**
         * A trunk with both nodes as targets: each call goes to one node; an INVITE unanswered there (Timer B, cut
         * short) or answered 503 is sent again, as a new transaction, to the other. The caller's number is unique
         * per call, so the log shows each call's check-ins.
         */
        private void call(int venue) {
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                socket.setSoTimeout(500);
                int node = venue;
                while (running.get()) {
                    String caller = "0109%07d".formatted(callers.incrementAndGet() * 10 + venue);
                    String callId = UUID.randomUUID() + "@trunk";
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    boolean confirmed = false;
                    while (!confirmed && System.nanoTime() < until) {
                        int status = invite(socket, node, venue, caller, callId);
                        if (status > 0) {
                            callFinals
                                    .computeIfAbsent(status, k -> new AtomicLong())
                                    .incrementAndGet();
                        }
                        confirmed = status == 603;
                        if (!confirmed) {
                            node = 3 - node;
                            callsResent.incrementAndGet();
                            sleep(200);
                        }
                    }
                    if (confirmed) {
                        confirmedCallers.add(caller);
                    }
                    sleep(50);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** One INVITE transaction to a node (retransmitted for 2 s); the final status, or -1 without one. */
        private static int invite(DatagramSocket socket, int node, int venue, String caller, String callId)
                throws IOException {
            String number = "08000000%02d".formatted(venue);
            String branch = "z9hG4bK-" + UUID.randomUUID();
            int port = base + 60 + node;
            String via = "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=" + branch + "\r\n";
            String common = "Max-Forwards: 70\r\nFrom: <sip:" + caller + "@127.0.0.1>;tag=t-" + callId.hashCode()
                    + "\r\nCall-ID: " + callId + "\r\n";
            byte[] invite = ("INVITE sip:" + number + "@127.0.0.1 SIP/2.0\r\n" + via + common + "To: <sip:" + number
                            + "@127.0.0.1>\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            byte[] buffer = new byte[8192];
            socket.send(new DatagramPacket(invite, invite.length, target));
            while (System.nanoTime() < until) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    socket.send(new DatagramPacket(invite, invite.length, target));
                    continue;
                }
                String response = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                if (!response.startsWith("SIP/2.0 ") || !response.contains("Call-ID: " + callId)) {
                    continue;
                }
                int status = Integer.parseInt(response.substring(8, 11));
                if (status >= 200) {
                    String to = response.lines()
                            .filter(l -> l.startsWith("To:"))
                            .findFirst()
                            .orElse("To: <sip:" + number + "@127.0.0.1>");
                    byte[] ack = ("ACK sip:" + number + "@127.0.0.1 SIP/2.0\r\n" + via + common + to
                                    + "\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n")
                            .getBytes(StandardCharsets.UTF_8);
                    socket.send(new DatagramPacket(ack, ack.length, target));
                    return status;
                }
            }
            return -1;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The owner, through HAProxy's PostgreSQL front, with the password from the cluster's secrets file. */
    private static Connection ownerConnection() throws Exception {
        Properties secrets = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("secrets.env"))) {
            secrets.load(in);
        }
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + base + "/checkpass",
                "checkpass",
                secrets.getProperty("CHECKPASS_DATABASE_PASSWORD"));
    }

    /** Runs scripts/cluster with this test's state directory and ports; its output goes to this test's log. */
    private static void script(int timeoutSeconds, String... args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of(ROOT.resolve("scripts/cluster").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("CHECKPASS_CLUSTER_DIR", dir.toString());
        env.put("CHECKPASS_CLUSTER_PORT", Integer.toString(base));
        env.put("CHECKPASS_CLASSPATH", System.getProperty("java.class.path"));
        env.put("CHECKPASS_JAVA", ProcessHandle.current().info().command().orElse("java"));
        env.put("CHECKPASS_JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1");
        Process p = pb.start();
        ConcurrentLinkedQueue<String> output = new ConcurrentLinkedQueue<>();
        Thread pump = Thread.ofVirtual().start(() -> {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                out.lines().forEach(line -> {
                    log.info("scripts/cluster {}: {}", args[0], line);
                    output.add(line);
                });
            } catch (IOException e) {
                log.warn("reading scripts/cluster's output: {}", e.getMessage());
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("scripts/cluster " + String.join(" ", args) + " took over " + timeoutSeconds
                    + " s; logs in " + dir.resolve("logs"));
        }
        pump.join(5_000);
        assertThat(p.exitValue())
                .as("scripts/cluster " + String.join(" ", args) + " (logs in " + dir.resolve("logs") + "): "
                        + String.join("\n", output))
                .isZero();
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", command));
    }

    /** A base for the cluster's ports (base .. base+70) that nothing listens on now. */
    private static int freePortBase() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int candidate = 30_000 + ThreadLocalRandom.current().nextInt(300) * 100;
            boolean free = true;
            for (int port : new int[] {0, 1, 10, 11, 20, 21, 30, 31, 41, 42, 61, 62}) {
                try (ServerSocket s = new ServerSocket(candidate + port, 1, InetAddress.getLoopbackAddress())) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                    break;
                }
            }
            if (free) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free range of ports for the cluster");
    }
}
