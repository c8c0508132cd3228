package io.checkpass.server.sip;

import static io.checkpass.server.sip.SipFixtures.CALLER;
import static io.checkpass.server.sip.SipFixtures.VENUE_NUMBER;
import static io.checkpass.server.sip.SipFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.server.support.TestCentre;
import io.checkpass.server.visits.Venues;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two centre nodes on one database, as behind a balancer (docs/adr/0021): a trunk that re-sends a call to the
 * other node (a new branch after its timer fired, or its proxy failing over) gets 603 there too, and the call is
 * logged once, with the check-in id and scan time of the node that heard it first.
 */
class CallsAcrossNodesTest {
    private static TestCentre first;
    private static TestCentre second;

    @BeforeAll
    static void start() {
        first = new TestCentre(Instant.parse("2021-12-13T03:00:00Z"));
        second = first.anotherNode();
        first.server
                .centre()
                .venues()
                .add(new Venues.Venue(
                        "cafe-1", "123-45-67890", "cafe", "서울", "서울", "restaurant_cafe", Optional.of(VENUE_NUMBER)));
    }

    @AfterAll
    static void stop() {
        second.close();
        first.close();
    }

    @Test
    void a_call_re_sent_to_another_node_is_declined_there_and_logged_once() throws Exception {
        try (DatagramSocket trunk = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            trunk.setSoTimeout(10_000);
            assertThat(call(trunk, first, "z9hG4bK-node-a")).isEqualTo(603);
            first.clock.advance(Duration.ofSeconds(4)); // the trunk's timer fired; it tries the other node
            assertThat(call(trunk, second, "z9hG4bK-node-b")).isEqualTo(603);
            assertThat(call(trunk, first, "z9hG4bK-node-a2")).isEqualTo(603);
        }

        try (Connection c = first.server.centre().database().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(
                        "select count(*), min(scanned_at) from visits.checkin where venue_id = 'cafe-1'")) {
            r.next();
            assertThat(r.getInt(1))
                    .as("CALL check-ins of one call heard by two nodes")
                    .isEqualTo(1);
            assertThat(r.getTimestamp(2).toInstant()).isEqualTo(Instant.parse("2021-12-13T03:00:00Z"));
        }
    }

    /** Sends the call's INVITE (same Call-ID and From tag, this branch) to the node; returns its final status. */
    private static int call(DatagramSocket trunk, TestCentre node, String branch) throws Exception {
        send(trunk, node, message("INVITE", trunk, branch, ";rport"));
        byte[] buffer = new byte[8192];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            trunk.receive(packet);
            String response = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(8, 11));
            if (status >= 200) {
                send(trunk, node, message("ACK", trunk, branch, ""));
                return status;
            }
        }
    }

    /** The call's request with this branch, its Via naming the trunk's socket. */
    private static String message(String method, DatagramSocket trunk, String branch, String viaParameters) {
        return request(
                        method,
                        "sip:" + VENUE_NUMBER + "@trunk.example",
                        branch,
                        "call-across-nodes",
                        CALLER,
                        "from-across",
                        1)
                .replace(
                        "Via: SIP/2.0/UDP 10.0.0.7:5062;branch=" + branch,
                        "Via: SIP/2.0/UDP 127.0.0.1:" + trunk.getLocalPort() + ";branch=" + branch + viaParameters);
    }

    private static void send(DatagramSocket trunk, TestCentre node, String message) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        trunk.send(new DatagramPacket(
                bytes,
                bytes.length,
                InetAddress.getLoopbackAddress(),
                node.server.sipPort().orElseThrow()));
    }
}
