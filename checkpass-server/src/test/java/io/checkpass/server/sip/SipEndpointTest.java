package io.checkpass.server.sip;

import static io.checkpass.server.sip.SipFixtures.VENUE_NUMBER;
import static io.checkpass.server.sip.SipFixtures.invite;
import static io.checkpass.server.sip.SipFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.server.sip.SipFixtures.MemoryLog;
import io.checkpass.server.sip.SipFixtures.Sent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint on real sockets: UDP survives garbage, TCP is framed by Content-Length. */
class SipEndpointTest {
    private final MemoryLog log = new MemoryLog();
    private SipEndpoint endpoint;

    @BeforeEach
    void start() {
        endpoint = new SipEndpoint(
                        "127.0.0.1",
                        0,
                        n -> n.equals(VENUE_NUMBER) ? Optional.of("cafe-1") : Optional.empty(),
                        log,
                        Clock.systemUTC())
                .start();
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    @Test
    void over_udp_garbage_is_dropped_and_the_next_request_is_answered_with_rport_and_received() throws IOException {
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(5000);
            for (byte[] junk : List.of(
                    new byte[] {0, 1, 2},
                    new byte[65_507],
                    "\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                    "SIP/2.0 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII))) {
                send(client, junk);
            }
            String options = request(
                            "OPTIONS", "sip:" + VENUE_NUMBER + "@127.0.0.1", "z9hG4bK-1", "c1", "01012345678", "t", 1)
                    .replace(
                            "10.0.0.7:5062;branch=z9hG4bK-1",
                            "127.0.0.1:" + client.getLocalPort() + ";branch=z9hG4bK-1");
            send(client, options.getBytes(StandardCharsets.UTF_8));
            Sent answer = receive(client);

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.header("Via"))
                    .hasValue("SIP/2.0/UDP 127.0.0.1:" + client.getLocalPort() + ";branch=z9hG4bK-1");
            String withRport = options.replace("branch=z9hG4bK-1", "branch=z9hG4bK-2;rport")
                    .replace("127.0.0.1:" + client.getLocalPort(), "192.0.2.9:5060");
            send(client, withRport.getBytes(StandardCharsets.UTF_8));
            assertThat(receive(client).header("Via"))
                    .hasValue("SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK-2;rport=" + client.getLocalPort()
                            + ";received=127.0.0.1");
        }
    }

    @Test
    void over_udp_answers_go_back_to_the_sender_never_to_a_port_its_via_names() throws IOException {
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(5000);
            String aimed = request(
                            "OPTIONS", "sip:" + VENUE_NUMBER + "@127.0.0.1", "z9hG4bK-9", "c9", "01012345678", "t", 1)
                    .replace("10.0.0.7:5062;branch=z9hG4bK-9", "127.0.0.1:9;branch=z9hG4bK-9");
            send(client, aimed.getBytes(StandardCharsets.UTF_8));

            assertThat(receive(client).status()).isEqualTo(200);
        }
    }

    @Test
    void over_tcp_keep_alives_are_skipped_and_pipelined_requests_are_answered_on_the_connection() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), endpoint.port())) {
            socket.setSoTimeout(5000);
            String options =
                    request("OPTIONS", "sip:" + VENUE_NUMBER + "@127.0.0.1", "z9hG4bK-1", "c1", "01012345678", "t", 1);
            String invite = invite("z9hG4bK-2", "c2").replace("SIP/2.0/UDP", "SIP/2.0/TCP");
            socket.getOutputStream().write(("\r\n\r\n" + options + invite).getBytes(StandardCharsets.UTF_8));
            SipStreamReader responses = new SipStreamReader(socket.getInputStream());
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Sent s = new Sent(new String(responses.next(), StandardCharsets.UTF_8));
                got.add(s.status() + " " + s.cseqMethod());
            }

            assertThat(got).containsExactlyInAnyOrder("200 OPTIONS", "100 INVITE", "603 INVITE");
            assertThat(got.indexOf("100 INVITE")).isLessThan(got.indexOf("603 INVITE"));
            assertThat(log.appended).hasSize(1);
        }
    }

    @Test
    void a_stream_without_content_length_or_larger_than_a_datagram_cannot_be_framed() {
        String noLength = "OPTIONS sip:x@t SIP/2.0\r\nCall-ID: c\r\n\r\n";
        String huge = "OPTIONS sip:x@t SIP/2.0\r\nContent-Length: 70000\r\n\r\n";

        for (String stream : List.of(noLength, huge, "OPTIONS sip:x@t SIP/2.0\r\nl: 10\r\n\r\nshort")) {
            Assertions.assertThatThrownBy(
                            () -> new SipStreamReader(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)))
                                    .next())
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void an_invite_from_outside_the_trusted_peers_is_dropped_unanswered_and_never_logged() throws IOException {
        MemoryLog trunkOnly = new MemoryLog();
        try (SipEndpoint guarded = new SipEndpoint(
                                "127.0.0.1",
                                0,
                                n -> Optional.of("cafe-1"),
                                trunkOnly,
                                Clock.systemUTC(),
                                SipSettings.DEFAULTS,
                                TrustedPeers.parse("192.0.2.0/24, 2001:db8::/32"))
                        .start();
                DatagramSocket forger = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                Socket tcp = new Socket(InetAddress.getLoopbackAddress(), guarded.port())) {
            forger.setSoTimeout(1500);
            byte[] forged = invite("z9hG4bK-f", "forged")
                    .replace("10.0.0.7:5062", "127.0.0.1:" + forger.getLocalPort())
                    .getBytes(StandardCharsets.UTF_8);
            forger.send(new DatagramPacket(forged, forged.length, InetAddress.getLoopbackAddress(), guarded.port()));
            Assertions.assertThatThrownBy(() -> receive(forger)).isInstanceOf(SocketTimeoutException.class);

            tcp.setSoTimeout(1500);
            assertThat(tcp.getInputStream().read())
                    .as("the TCP connection is closed at once")
                    .isEqualTo(-1);
            assertThat(trunkOnly.appended).isEmpty();
            assertThat(guarded.untrustedDropped())
                    .as("the datagram and the connection")
                    .isEqualTo(2);
        }
    }

    @Test
    void a_source_over_its_rate_is_dropped_until_the_next_second() throws IOException {
        SipSettings d = SipSettings.DEFAULTS;
        SipSettings threePerSecond = new SipSettings(
                d.t1(),
                d.t2(),
                d.t4(),
                d.maxTransactions(),
                d.callMemory(),
                d.maxCalls(),
                d.retryAfter(),
                d.tick(),
                d.maxInFlight(),
                3,
                d.rideThrough());
        try (SipEndpoint slow = new SipEndpoint(
                                "127.0.0.1",
                                0,
                                n -> Optional.empty(),
                                new MemoryLog(),
                                Clock.systemUTC(),
                                threePerSecond,
                                TrustedPeers.LOOPBACK)
                        .start();
                DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(1000);
            for (int i = 0; i < 10; i++) {
                byte[] options = request("OPTIONS", "sip:x@127.0.0.1", "z9hG4bK-r" + i, "r" + i, "01012345678", "t", 1)
                        .getBytes(StandardCharsets.UTF_8);
                client.send(new DatagramPacket(options, options.length, InetAddress.getLoopbackAddress(), slow.port()));
            }
            int answered = 0;
            try {
                while (answered < 10) {
                    receive(client);
                    answered++;
                }
            } catch (SocketTimeoutException expected) {
                // no more answers
            }
            assertThat(answered).as("a burst of 10 at 3 a second").isBetween(3, 6);
        }
    }

    @Test
    void one_peer_cannot_take_every_tcp_connection() throws IOException {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < SipEndpoint.MAX_TCP_CONNECTIONS_PER_PEER; i++) {
                held.add(new Socket(InetAddress.getLoopbackAddress(), endpoint.port()));
            }
            try (Socket oneMore = new Socket(InetAddress.getLoopbackAddress(), endpoint.port())) {
                oneMore.setSoTimeout(3000);
                assertThat(oneMore.getInputStream().read()).as("closed at once").isEqualTo(-1);
            }
            Socket first = held.getFirst();
            first.setSoTimeout(300);
            Assertions.assertThatThrownBy(() -> first.getInputStream().read())
                    .as("the peer's other connections stay open")
                    .isInstanceOf(SocketTimeoutException.class);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void trusted_peers_are_cidr_blocks_of_literal_addresses() {
        TrustedPeers peers = TrustedPeers.parse(" 203.0.113.0/24, 198.51.100.7 ,2001:db8::/32");
        assertThat(peers.contains(address("203.0.113.200"))).isTrue();
        assertThat(peers.contains(address("203.0.114.1"))).isFalse();
        assertThat(peers.contains(address("198.51.100.7"))).isTrue();
        assertThat(peers.contains(address("198.51.100.8"))).isFalse();
        assertThat(peers.contains(address("2001:db8:1::5"))).isTrue();
        assertThat(peers.contains(address("2001:db9::5"))).isFalse();
        assertThat(TrustedPeers.LOOPBACK.contains(address("127.0.0.1"))).isTrue();
        for (String bad : List.of("trunk.example.com", "10.0.0.0/33", "10.0.0.0/", "1.2.3.4/x")) {
            Assertions.assertThatThrownBy(() -> TrustedPeers.parse(bad)).hasMessageContaining(bad.strip());
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void a_second_endpoint_on_a_taken_port_fails_with_the_address_in_the_message() {
        try (SipEndpoint second =
                new SipEndpoint("127.0.0.1", endpoint.port(), n -> Optional.empty(), log, Clock.systemUTC())) {
            Assertions.assertThatThrownBy(second::start).hasMessageContaining("127.0.0.1:" + endpoint.port());
        }
    }

    private void send(DatagramSocket client, byte[] data) throws IOException {
        client.send(new DatagramPacket(data, data.length, InetAddress.getLoopbackAddress(), endpoint.port()));
    }

    private static Sent receive(DatagramSocket client) throws IOException {
        byte[] buffer = new byte[SipParser.MAX_MESSAGE];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        client.receive(packet);
        return new Sent(new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8));
    }
}
