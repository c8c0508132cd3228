package io.checkpass.server.sip;

import static io.checkpass.server.sip.SipFixtures.CALLER;
import static io.checkpass.server.sip.SipFixtures.VENUE_NUMBER;
import static io.checkpass.server.sip.SipFixtures.ack;
import static io.checkpass.server.sip.SipFixtures.invite;
import static io.checkpass.server.sip.SipFixtures.parse;
import static io.checkpass.server.sip.SipFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.server.sip.SipFixtures.MemoryLog;
import io.checkpass.server.sip.SipFixtures.PausedLog;
import io.checkpass.server.sip.SipFixtures.RecordingPeer;
import io.checkpass.server.sip.SipFixtures.Sent;
import io.checkpass.server.support.MutableClock;
import io.checkpass.server.visits.CheckIn;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The line's RFC 3261 behaviour with a pinned clock: timers fire when the test moves the clock and ticks. */
class CallInLineTest {
    private static final Instant START = Instant.parse("2021-12-13T03:00:00Z");
    private static final Function<String, Optional<String>> VENUES =
            n -> Optional.ofNullable(Map.of(VENUE_NUMBER, "cafe-1").get(n));

    private final MutableClock clock = new MutableClock(START);
    private final MemoryLog log = new MemoryLog();
    private final RecordingPeer peer = new RecordingPeer(false);
    private CallInLine line = new CallInLine(VENUES, log, clock, SipSettings.DEFAULTS);

    @Test
    void a_call_to_a_venue_number_gets_100_trying_then_603_decline_once_its_check_in_is_stored() {
        line.receive(parse(invite("z9hG4bK-1", "call-1")), peer);

        assertThat(peer.statuses()).containsExactly(100, 603);
        assertThat(peer.sent.get(0).header("To")).hasValue("<sip:0800000001@trunk.example>");
        Sent decline = peer.sent.get(1);
        assertThat(decline.text()).startsWith("SIP/2.0 603 Decline\r\n");
        assertThat(decline.header("To").orElseThrow()).matches("<sip:0800000001@trunk\\.example>;tag=[0-9a-f]{16}");
        assertThat(decline.header("Reason")).hasValue("Q.850;cause=16;text=\"check-in registered\"");
        assertThat(decline.header("From")).hasValue("<sip:01012345678@10.0.0.7>;tag=from-call-1");
        assertThat(decline.header("Call-ID")).hasValue("call-1");
        assertThat(decline.header("CSeq")).hasValue("1 INVITE");
        assertThat(decline.header("Content-Length")).hasValue("0");
        CheckIn checkIn = log.appended.getFirst();
        assertThat(checkIn.channel()).isEqualTo(CheckIn.Channel.CALL);
        assertThat(checkIn.venueId()).isEqualTo("cafe-1");
        assertThat(checkIn.contact())
                .hasValue(new CheckIn.Contact(PhoneNumber.parse(CALLER).orElseThrow(), Optional.empty()));
        assertThat(checkIn.scannedAt()).isEqualTo(START);
        assertThat(checkIn.id().version()).isEqualTo(7);
        assertThat(checkIn.scannerId()).isEmpty();
    }

    @Test
    void responses_keep_every_via_in_order_and_record_received_and_rport_in_the_top_one() {
        String invite = invite("z9hG4bK-1", "call-1")
                .replace(
                        "Via: SIP/2.0/UDP 10.0.0.7:5062;branch=z9hG4bK-1\r\n",
                        "Via: SIP/2.0/UDP proxy.example:5060;branch=z9hG4bK-1;rport\r\nv: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK-a, SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK-b\r\n");

        line.receive(parse(invite), peer);

        assertThat(peer.last().headers("Via"))
                .containsExactly(
                        "SIP/2.0/UDP proxy.example:5060;branch=z9hG4bK-1;rport=5062;received=10.0.0.7",
                        "SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK-a",
                        "SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK-b");
    }

    @Test
    void a_retransmitted_invite_gets_the_same_final_response_again_and_is_not_logged_again() {
        line.receive(parse(invite("z9hG4bK-1", "call-1")), peer);
        line.receive(parse(invite("z9hG4bK-1", "call-1")), peer);

        assertThat(peer.statuses()).containsExactly(100, 603, 603);
        assertThat(peer.sent.get(2).text()).isEqualTo(peer.sent.get(1).text());
        assertThat(log.appends).hasValue(1);
    }

    @Test
    void the_603_is_retransmitted_on_timer_g_doubling_up_to_t2_until_timer_h_ends_the_transaction() {
        line.receive(parse(invite("z9hG4bK-1", "call-1")), peer);
        List<Long> retransmittedAtMillis = new ArrayList<>();
        for (int step = 1; step <= 400; step++) { // 40 s in 100 ms steps
            clock.advance(Duration.ofMillis(100));
            int before = peer.sent.size();
            line.tick();
            if (peer.sent.size() > before) {
                assertThat(peer.last().status()).isEqualTo(603);
                retransmittedAtMillis.add(step * 100L);
            }
        }

        // T1 = 500 ms, doubling to T2 = 4 s; Timer H = 64·T1 = 32 s.
        assertThat(retransmittedAtMillis)
                .containsExactly(500L, 1500L, 3500L, 7500L, 11500L, 15500L, 19500L, 23500L, 27500L, 31500L);
        assertThat(line.transactionCount()).isZero();
    }

    @Test
    void an_ack_stops_the_retransmissions_and_further_acks_are_absorbed_until_timer_i() {
        line.receive(parse(invite("z9hG4bK-1", "call-1")), peer);
        clock.advance(Duration.ofMillis(600));
        line.tick();
        line.receive(parse(ack("z9hG4bK-1", "call-1")), peer);
        for (int i = 0; i < 40; i++) {
            clock.advance(Duration.ofMillis(100));
            line.tick();
            line.receive(parse(ack("z9hG4bK-1", "call-1")), peer);
            line.receive(parse(invite("z9hG4bK-1", "call-1")), peer);
        }

        assertThat(peer.statuses()).containsExactly(100, 603, 603);
        assertThat(line.transactionCount())
                .as("Timer I (T4 = 5 s) has not fired yet")
                .isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        line.tick();
        assertThat(line.transactionCount()).isZero();
        assertThat(log.appends).hasValue(1);
    }

    @Test
    void a_new_invite_for_the_same_call_id_and_from_tag_is_logged_as_the_same_check_in() {
        line.receive(parse(invite("z9hG4bK-1", "call-1")), peer);
        clock.advance(Duration.ofSeconds(40)); // the first transaction is gone (Timer H)
        line.tick();
        line.receive(parse(invite("z9hG4bK-2", "call-1")), peer);

        assertThat(peer.statuses()).containsExactly(100, 603, 100, 603);
        assertThat(log.appends)
                .as("the log is asked twice; its idempotency stores once")
                .hasValue(2);
        assertThat(log.appended).hasSize(1);
        assertThat(log.appended.getFirst().scannedAt()).isEqualTo(START);
    }

    @Test
    void a_call_is_forgotten_after_the_call_memory_and_an_unrelated_call_is_a_new_check_in() {
        line.receive(parse(invite("z9hG4bK-1", "call-1")), peer);
        line.receive(parse(invite("z9hG4bK-2", "call-2")), peer);
        clock.advance(SipSettings.DEFAULTS.callMemory());
        line.tick();
        line.receive(parse(invite("z9hG4bK-3", "call-1")), peer);

        assertThat(log.appended)
                .extracting(CheckIn::scannedAt)
                .containsExactly(START, START, START.plus(SipSettings.DEFAULTS.callMemory()));
    }

    @Test
    void an_unknown_number_gets_404_not_found_and_nothing_is_logged() {
        line.receive(
                parse(request("INVITE", "sip:0800999999@trunk.example", "z9hG4bK-1", "call-1", CALLER, "t", 1)), peer);

        assertThat(peer.statuses()).containsExactly(100, 404);
        assertThat(peer.last().header("To").orElseThrow()).contains(";tag=");
        assertThat(log.appends).hasValue(0);
    }

    @Test
    void venue_numbers_are_read_from_tel_and_sip_uris_with_visual_separators_and_the_korean_country_code() {
        List<String> mismatches = new ArrayList<>();
        String[] uris = {
            "sip:0800000001@trunk.example",
            "sip:080-000-0001@trunk.example;user=phone",
            "tel:+82-80-000-0001",
            "tel:0800000001;phone-context=+82",
            "sips:+82800000001@trunk.example",
            "sip:0800000001;npdi@trunk.example"
        };
        for (int i = 0; i < uris.length; i++) {
            RecordingPeer p = new RecordingPeer(false);
            line.receive(parse(request("INVITE", uris[i], "z9hG4bK-" + i, "call-" + i, CALLER, "t", 1)), p);
            if (!p.statuses().equals(List.of(100, 603))) {
                mismatches.add(uris[i] + " -> " + p.statuses());
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void the_caller_is_the_p_asserted_identity_when_there_is_one_and_the_from_user_otherwise() {
        line.receive(
                parse(
                        request(
                                "INVITE",
                                "sip:0800000001@t",
                                "z9hG4bK-1",
                                "c1",
                                "anonymous",
                                "t",
                                1,
                                "P-Asserted-Identity: \"Hong\" <sip:+821098765432@ims.example;user=phone>, <tel:+821098765432>")),
                peer);
        line.receive(parse(request("INVITE", "sip:0800000001@t", "z9hG4bK-2", "c2", "010-5555-6666", "t", 1)), peer);

        assertThat(log.appended)
                .extracting(c -> c.contact().orElseThrow().phone().digits())
                .containsExactly("01098765432", "01055556666");
    }

    @Test
    void a_caller_without_a_number_gets_433_anonymity_disallowed_and_nothing_is_logged() {
        line.receive(parse(request("INVITE", "sip:0800000001@t", "z9hG4bK-1", "c1", "anonymous", "t", 1)), peer);

        assertThat(peer.statuses()).containsExactly(100, 433);
        assertThat(log.appends).hasValue(0);
    }

    @Test
    void when_the_check_in_cannot_be_stored_the_call_gets_503_with_retry_after_and_never_603() {
        line = new CallInLine(VENUES, log, clock, SipSettings.DEFAULTS.withRideThrough(Duration.ZERO));
        log.down = true;
        line.receive(parse(invite("z9hG4bK-1", "call-1")), peer);
        line.receive(parse(invite("z9hG4bK-1", "call-1")), peer);

        assertThat(peer.statuses()).containsExactly(100, 503, 503);
        assertThat(peer.last().header("Retry-After")).hasValue("10");
        assertThat(log.appended).isEmpty();
    }

    @Test
    void a_call_rides_through_a_short_database_outage_and_gets_603_once_its_check_in_is_stored() throws Exception {
        line = new CallInLine(VENUES, log, clock, SipSettings.DEFAULTS.withRideThrough(Duration.ofSeconds(10)));
        log.down = true;
        Thread failover = Thread.ofVirtual().start(() -> {
            while (log.appends.get() < 3) {
                Thread.onSpinWait();
            }
            log.down = false; // the standby is promoted
        });

        line.receive(parse(invite("z9hG4bK-1", "call-1")), peer);
        failover.join();

        assertThat(peer.statuses()).containsExactly(100, 603);
        assertThat(log.appends.get()).isGreaterThanOrEqualTo(3);
        assertThat(log.appended).hasSize(1);
    }

    @Test
    void when_the_venue_lookup_fails_the_call_gets_503() {
        line = new CallInLine(
                n -> {
                    throw new IllegalStateException("cannot read venues");
                },
                log,
                clock,
                SipSettings.DEFAULTS.withRideThrough(Duration.ZERO));

        line.receive(parse(invite("z9hG4bK-1", "call-1")), peer);

        assertThat(peer.statuses()).containsExactly(100, 503);
    }

    @Test
    void options_gets_200_with_allow_bye_gets_481_and_other_methods_get_405_with_allow() {
        line.receive(parse(request("OPTIONS", "sip:0800000001@t", "z9hG4bK-1", "c1", CALLER, "t", 1)), peer);
        line.receive(parse(request("BYE", "sip:0800000001@t", "z9hG4bK-2", "c2", CALLER, "t", 2)), peer);
        line.receive(parse(request("REGISTER", "sip:t", "z9hG4bK-3", "c3", CALLER, "t", 1)), peer);
        line.receive(parse(request("MESSAGE", "sip:0800000001@t", "z9hG4bK-4", "c4", CALLER, "t", 1)), peer);

        assertThat(peer.statuses()).containsExactly(200, 481, 405, 405);
        assertThat(peer.sent.get(0).header("Allow")).hasValue("INVITE, ACK, CANCEL, OPTIONS, BYE");
        assertThat(peer.sent.get(2).header("Allow")).hasValue("INVITE, ACK, CANCEL, OPTIONS, BYE");
        assertThat(log.appends).hasValue(0);
    }

    @Test
    void a_non_invite_transaction_answers_retransmissions_the_same_way_until_timer_j() {
        String options = request("OPTIONS", "sip:0800000001@t", "z9hG4bK-1", "c1", CALLER, "t", 1);
        line.receive(parse(options), peer);
        clock.advance(Duration.ofSeconds(31));
        line.tick();
        line.receive(parse(options), peer);
        clock.advance(Duration.ofSeconds(1));
        line.tick();

        assertThat(peer.statuses()).containsExactly(200, 200);
        assertThat(peer.sent.get(1).text()).isEqualTo(peer.sent.get(0).text());
        assertThat(line.transactionCount()).isZero();
    }

    @Test
    void a_cancel_while_the_check_in_is_being_stored_gets_200_and_the_invite_487() throws Exception {
        PausedLog slow = new PausedLog();
        line = new CallInLine(VENUES, slow, clock, SipSettings.DEFAULTS);
        Thread call = Thread.ofVirtual().start(() -> line.receive(parse(invite("z9hG4bK-1", "call-1")), peer));
        assertThat(slow.awaitWriting()).isTrue();

        line.receive(
                parse(request(
                        "CANCEL", "sip:0800000001@trunk.example", "z9hG4bK-1", "call-1", CALLER, "from-call-1", 1)),
                peer);
        slow.release();
        call.join(5000);

        assertThat(peer.statuses()).containsExactly(100, 200, 487);
        assertThat(peer.sent.get(1).cseqMethod()).isEqualTo("CANCEL");
        assertThat(peer.sent.get(2).cseqMethod()).isEqualTo("INVITE");
        assertThat(peer.sent.get(1).header("To"))
                .as("§9.2: the CANCEL's 200 has the INVITE's To tag")
                .isEqualTo(peer.sent.get(2).header("To"));
        assertThat(slow.memory.appended)
                .as("the call reached the line; its stored check-in stays")
                .hasSize(1);
    }

    @Test
    void a_cancel_after_the_final_response_gets_200_and_changes_nothing_and_one_without_invite_gets_481() {
        line.receive(parse(invite("z9hG4bK-1", "call-1")), peer);
        line.receive(
                parse(request(
                        "CANCEL", "sip:0800000001@trunk.example", "z9hG4bK-1", "call-1", CALLER, "from-call-1", 1)),
                peer);
        line.receive(
                parse(request("CANCEL", "sip:0800000001@trunk.example", "z9hG4bK-9", "call-9", CALLER, "t", 1)), peer);

        assertThat(peer.statuses()).containsExactly(100, 603, 200, 481);
    }

    @Test
    void at_the_transaction_bound_a_new_request_gets_503_and_no_state() {
        SipSettings two = new SipSettings(
                Duration.ofMillis(500),
                Duration.ofSeconds(4),
                Duration.ofSeconds(5),
                2,
                Duration.ofMinutes(5),
                100,
                Duration.ofSeconds(10),
                Duration.ofMillis(20),
                10,
                5_000,
                Duration.ZERO);
        line = new CallInLine(VENUES, log, clock, two);
        line.receive(parse(invite("z9hG4bK-1", "call-1")), peer);
        line.receive(parse(invite("z9hG4bK-2", "call-2")), peer);
        line.receive(parse(invite("z9hG4bK-3", "call-3")), peer);

        assertThat(peer.statuses()).containsExactly(100, 603, 100, 603, 503);
        assertThat(line.transactionCount()).isEqualTo(2);
        assertThat(log.appended).hasSize(2);
    }

    @Test
    void when_overloaded_a_new_call_gets_503_but_a_copy_of_a_call_in_hand_gets_its_last_response() {
        line.receive(parse(invite("z9hG4bK-1", "call-1")), peer);
        line.overloaded(parse(invite("z9hG4bK-1", "call-1")), peer);
        line.overloaded(parse(ack("z9hG4bK-1", "call-1")), peer);
        line.overloaded(parse(invite("z9hG4bK-2", "call-2")), peer);
        clock.advance(Duration.ofSeconds(1));
        line.tick();

        assertThat(peer.statuses()).containsExactly(100, 603, 603, 503);
        assertThat(log.appends).hasValue(1);
    }

    @Test
    void requests_the_line_cannot_serve_get_a_clean_error_and_an_invalid_ack_gets_nothing() {
        String missingCallId = invite("z9hG4bK-1", "call-1").replace("Call-ID: call-1\r\n", "");
        line.receive(parse(missingCallId), peer);
        line.receive(
                parse(invite("z9hG4bK-2", "call-2").replace("Max-Forwards: 70", "Require: 100rel, precondition")),
                peer);
        line.receive(parse(request("INVITE", "mailto:venue@example.com", "z9hG4bK-3", "call-3", CALLER, "t", 1)), peer);
        line.receive(
                parse(invite("z9hG4bK-4", "call-4")
                        .replace("To: <sip:0800000001@trunk.example>", "To: <sip:0800000001@trunk.example>;tag=x")),
                peer);
        line.receive(parse(ack("z9hG4bK-5", "call-5").replace("Call-ID: call-5\r\n", "")), peer);

        assertThat(peer.statuses()).containsExactly(400, 420, 416, 100, 481);
        assertThat(peer.sent.get(0).text()).startsWith("SIP/2.0 400 Missing Call-ID\r\n");
        assertThat(peer.sent.get(1).header("Unsupported")).hasValue("100rel, precondition");
        assertThat(log.appends).hasValue(0);
    }

    @Test
    void over_tcp_the_final_response_is_not_retransmitted_and_the_ack_ends_the_transaction_at_once() {
        RecordingPeer tcp = new RecordingPeer(true);
        line.receive(parse(invite("z9hG4bK-1", "call-1")), tcp);
        clock.advance(Duration.ofSeconds(10));
        line.tick();
        assertThat(tcp.statuses()).containsExactly(100, 603);

        line.receive(parse(ack("z9hG4bK-1", "call-1")), tcp);
        line.tick();
        assertThat(line.transactionCount()).isZero();
    }

    @Test
    void an_rfc_2543_client_without_the_magic_cookie_is_matched_by_call_id_cseq_and_from_tag() {
        line.receive(parse(invite("legacy-1", "call-1")), peer);
        line.receive(parse(invite("legacy-1", "call-1").replace("CSeq: 1 INVITE", "CSeq: 1\tINVITE")), peer);
        line.receive(parse(ack("legacy-1", "call-1")), peer);
        clock.advance(Duration.ofSeconds(1));
        line.tick();

        assertThat(peer.statuses()).containsExactly(100, 603, 603);
        assertThat(log.appends).hasValue(1);
    }
}
