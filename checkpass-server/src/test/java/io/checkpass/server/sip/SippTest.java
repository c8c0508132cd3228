package io.checkpass.server.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.server.support.TestCentre;
import io.checkpass.server.visits.ContactCipher;
import io.checkpass.server.visits.PostgresCheckInLog;
import io.checkpass.server.visits.Venues;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The 안심콜 endpoint against SIPp, a SIP implementation we did not write, over UDP, with the check-ins stored in
 * the real visit log on PostgreSQL. Scenarios and the injection CSV are in src/test/resources/sip/.
 */
class SippTest {
    private static TestCentre centre;
    private static DataSource db;
    private static ContactCipher cipher;
    private static SipEndpoint endpoint;
    private static final Map<String, String> VENUE_BY_NUMBER = new HashMap<>();

    @BeforeAll
    static void start() throws IOException {
        centre = new TestCentre(Instant.parse("2021-12-13T03:00:00Z"));
        db = centre.server.centre().database().dataSource();
        Venues venues = new Venues(db, centre.server.centre().apiClients());
        for (int i = 1; i <= 10; i++) {
            String number = String.format("08000000%02d", i);
            String venueId = "cafe-" + i;
            venues.add(new Venues.Venue(
                    venueId,
                    "220-81-000" + String.format("%02d", i),
                    "카페 " + i,
                    "서울 중구 " + i,
                    "seoul",
                    "restaurant_cafe",
                    Optional.of(number)));
            VENUE_BY_NUMBER.put(number, venueId);
        }
        cipher = ContactCipher.open(centre.dataDir.resolve("keys"), Optional.empty());
        // Real time: the transaction timers must run for SIPp to see retransmissions.
        Clock clock = Clock.systemUTC();
        endpoint = new SipEndpoint(
                        "127.0.0.1", 0, venues, new PostgresCheckInLog(db, cipher, clock), clock, TrustedPeers.LOOPBACK)
                .start();
    }

    @AfterAll
    static void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
        if (centre != null) {
            centre.close();
        }
    }

    @BeforeEach
    void emptyTheLog() throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute("delete from checkin");
        }
    }

    @Test
    void a_thousand_calls_at_100_per_second_give_a_thousand_call_check_ins_with_the_right_venue_and_caller() {
        Sipp run = sipp("callin.xml", 1000, 100);

        assertThat(run.exitCode()).as(run.report()).isZero();
        List<String> mismatches = new ArrayList<>();
        Map<String, String> expected = callsCsv();
        List<Stored> stored = callCheckIns();
        for (Stored s : stored) {
            String number = expected.get(s.caller());
            if (number == null) {
                mismatches.add("caller " + s.caller() + " is not in calls.csv");
            } else if (!VENUE_BY_NUMBER.get(number).equals(s.venueId())) {
                mismatches.add("caller " + s.caller() + " logged at " + s.venueId() + ", called " + number);
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(stored).hasSize(1000);
        assertThat(stored.stream().map(Stored::caller).distinct()).hasSize(1000);
    }

    @Test
    void an_unknown_number_is_rejected_with_404_and_nothing_is_logged() {
        Sipp run = sipp("unknown.xml", 20, 20);

        assertThat(run.exitCode()).as(run.report()).isZero();
        assertThat(run.count("404", "Recv")).isEqualTo(20);
        assertThat(callCheckIns()).isEmpty();
    }

    @Test
    void a_retransmitted_invite_is_logged_once_and_the_unacknowledged_603_is_retransmitted() {
        Sipp run = sipp("retransmit.xml", 50, 50, "-nr");

        assertThat(run.exitCode()).as(run.report()).isZero();
        assertThat(run.count("INVITE", "Sent"))
                .as("both copies of each INVITE went out")
                .isEqualTo(100);
        assertThat(run.count("603", "Recv"))
                .as("each 603 and its retransmission")
                .isEqualTo(100);
        assertThat(callCheckIns()).hasSize(50);
    }

    private record Stored(String venueId, String caller) {}

    private static List<Stored> callCheckIns() {
        List<Stored> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(
                        "select venue_id, contact_hmac, contact_enc from checkin where channel = 'CALL'")) {
            while (r.next()) {
                out.add(new Stored(
                        r.getString(1),
                        cipher.open(r.getBytes(3), r.getBytes(2)).phone()));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** caller → venue number, from the injection file. */
    private static Map<String, String> callsCsv() {
        Map<String, String> calls = new HashMap<>();
        for (String line : resource("calls.csv").split("\n")) {
            String[] f = line.trim().split(";");
            if (f.length == 2) {
                calls.put(f[1], f[0]);
            }
        }
        return calls;
    }

    private static String resource(String name) {
        try (InputStream in = SippTest.class.getResourceAsStream("/sip/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource /sip/" + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One SIPp run: its exit code and its trace directory. */
    private record Sipp(int exitCode, Path dir) {

        /** A column of SIPp's per-message counts (-trace_counts), summed over the scenario lines for that message. */
        int count(String message, String column) {
            try (Stream<Path> files = Files.list(dir)) {
                Path counts = files.filter(f -> f.getFileName().toString().endsWith("_counts.csv"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("SIPp wrote no counts file: " + report()));
                List<String> lines = Files.readAllLines(counts);
                String[] header = lines.getFirst().split(";");
                String[] last = lines.getLast().split(";");
                int sum = 0;
                for (int i = 0; i < header.length && i < last.length; i++) {
                    String[] name = header[i].split("_");
                    if (name.length >= 3 && name[1].equals(message) && name[name.length - 1].equals(column)) {
                        sum += Integer.parseInt(last[i].trim());
                    }
                }
                return sum;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** SIPp's output, error log and final screen, for a failure message. */
        String report() {
            StringBuilder out = new StringBuilder("SIPp exit " + exitCode + " in " + dir + "\n");
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (name.equals("sipp.out") || name.endsWith("_errors.log") || name.endsWith("_screen.log")) {
                        String text = Files.readString(f, StandardCharsets.UTF_8);
                        out.append("--- ")
                                .append(name)
                                .append('\n')
                                .append(text, 0, Math.min(text.length(), 6000))
                                .append('\n');
                    }
                }
            } catch (IOException e) {
                out.append("(cannot read ")
                        .append(dir)
                        .append(": ")
                        .append(e.getMessage())
                        .append(")");
            }
            return out.toString();
        }
    }

    /**
     * A port no earlier run used: the line retransmits unacknowledged responses for 32 s, and they must not reach the
     * next SIPp.
     */
    private static int freeUdpPort() throws IOException {
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static Sipp sipp(String scenario, int calls, int rate, String... options) {
        try {
            Path dir = Files.createTempDirectory("sipp-");
            Files.writeString(dir.resolve(scenario), resource(scenario));
            Files.writeString(dir.resolve("calls.csv"), resource("calls.csv"));
            List<String> command = new ArrayList<>(List.of(
                    "sipp",
                    "127.0.0.1:" + endpoint.port(),
                    "-sf",
                    dir.resolve(scenario).toString(),
                    "-inf",
                    dir.resolve("calls.csv").toString(),
                    "-t",
                    "u1",
                    "-i",
                    "127.0.0.1",
                    "-p",
                    String.valueOf(freeUdpPort()),
                    "-m",
                    String.valueOf(calls),
                    "-r",
                    String.valueOf(rate),
                    "-recv_timeout",
                    "10000",
                    "-timeout",
                    "50s",
                    "-timeout_error",
                    "-nostdin",
                    "-trace_stat",
                    "-trace_err",
                    "-trace_counts",
                    "-trace_screen"));
            command.addAll(List.of(options));
            Process process;
            try {
                process = new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("sipp.out").toFile())
                        .start();
            } catch (IOException e) {
                throw new AssertionError(
                        "cannot run sipp (Debian package sip-tester; .ci/run installs it): " + e.getMessage(), e);
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("sipp did not finish within 60 s: " + new Sipp(-1, dir).report());
            }
            return new Sipp(process.exitValue(), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
