package io.checkpass.server.sip;

import static io.checkpass.server.sip.SipFixtures.invite;
import static io.checkpass.server.sip.SipFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.registry.PhoneNumber;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SipParserTest {

    @Test
    void compact_header_names_and_folded_lines_are_read_as_their_long_forms() {
        String message = "INVITE sip:0800000001@t SIP/2.0\r\n"
                + "v: SIP/2.0/UDP 10.0.0.7:5062;branch=z9hG4bK-1\r\n"
                + "f: <sip:01012345678@t>;tag=a\r\n"
                + "t: <sip:0800000001@t>\r\n"
                + "i: call-1\r\n"
                + "CSeq: 1\r\n   INVITE\r\n"
                + "l: 0\r\n\r\n";

        SipParser.Parsed parsed = parse(message);

        assertThat(parsed).isInstanceOf(SipParser.Request.class);
        SipRequest request = ((SipParser.Request) parsed).request();
        assertThat(request.callId()).isEqualTo("call-1");
        assertThat(request.first("cseq")).hasValue("1 INVITE");
        assertThat(request.topVia().branch()).hasValue("z9hG4bK-1");
        assertThat(request.from().tag()).hasValue("a");
    }

    @Test
    void the_body_is_cut_at_content_length_and_a_shorter_body_is_answered_400() {
        String withBody =
                invite("z9hG4bK-1", "c").replace("Content-Length: 0\r\n\r\n", "Content-Length: 3\r\n\r\nv=0\r\nextra");
        String truncated =
                invite("z9hG4bK-1", "c").replace("Content-Length: 0\r\n\r\n", "Content-Length: 300\r\n\r\nv=0\r\n");

        assertThat(((SipParser.Request) parse(withBody)).request().body())
                .isEqualTo("v=0".getBytes(StandardCharsets.UTF_8));
        assertThat(parse(truncated)).isInstanceOfSatisfying(SipParser.Invalid.class, i -> {
            assertThat(i.status()).isEqualTo(400);
            assertThat(i.reason()).isEqualTo("Content-Length Exceeds Message");
        });
    }

    @Test
    void each_kind_of_bad_input_is_dropped_or_answered_as_rfc_3261_says() {
        String invite = invite("z9hG4bK-1", "c");
        Map<String, String> expectations = new LinkedHashMap<>();
        expectations.put("", "Dropped");
        expectations.put("\r\n\r\n", "Dropped");
        expectations.put("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK-1\r\n\r\n", "Dropped");
        expectations.put("\u0000\u0001garbage\r\n\r\n", "Dropped");
        expectations.put("INVITE sip:x@t SIP/2.0\r\nCall-ID: c\r\n\r\n", "Dropped"); // no Via: nowhere to answer
        expectations.put(
                invite.replace("Via: SIP/2.0/UDP 10.0.0.7:5062", "Via: SIP/2.0/UDP 10.0.0.7:99999"), "Dropped");
        expectations.put(invite.replace("SIP/2.0\r\n", "SIP/3.0\r\n"), "505 Version Not Supported");
        expectations.put(invite.replace("CSeq: 1 INVITE", "CSeq: 1 BYE"), "400 CSeq Method Mismatch");
        expectations.put(invite.replace("CSeq: 1 INVITE", "CSeq: x INVITE"), "400 Bad CSeq");
        expectations.put(invite.replace("From: <sip:01012345678@10.0.0.7>;tag=from-c\r\n", ""), "400 Missing From");
        expectations.put(
                invite.replace("To: <sip:0800000001@trunk.example>", "To: \"unterminated <sip:x@y>"), "400 Bad To");
        expectations.put(invite.replace("Max-Forwards: 70", "Max-Forwards 70"), "400 Malformed header line");
        expectations.put(invite.replace("Content-Length: 0", "Content-Length: -1"), "400 Bad Content-Length");
        expectations.put(invite, "Request");
        expectations.put("\r\n" + invite.replace("\r\n", "\n"), "Request"); // bare LF and a leading CRLF are tolerated

        List<String> mismatches = new ArrayList<>();
        expectations.forEach((input, expected) -> {
            String actual = switch (parse(input)) {
                case SipParser.Request r -> "Request";
                case SipParser.Invalid i -> i.status() + " " + i.reason();
                case SipParser.Dropped d -> "Dropped";
            };
            if (!actual.equals(expected)) {
                mismatches.add(input.lines().findFirst().orElse("") + "...: expected " + expected + ", got " + actual);
            }
        });
        assertThat(mismatches).isEmpty();
    }

    @Test
    void a_message_larger_than_a_datagram_is_dropped() {
        byte[] big = new byte[SipParser.MAX_MESSAGE + 1];
        byte[] invite = invite("z9hG4bK-1", "c").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(invite, 0, big, 0, invite.length);

        assertThat(SipParser.parse(big, big.length)).isInstanceOf(SipParser.Dropped.class);
    }

    @Test
    void a_header_folded_into_thousands_of_continuations_is_refused_not_joined_over_and_over() {
        StringBuilder folded = new StringBuilder("OPTIONS sip:0800000001@t SIP/2.0\r\nSubject: a");
        while (folded.length() < SipParser.MAX_MESSAGE - 100) {
            folded.append("\r\n b");
        }
        folded.append("\r\nCall-ID: c\r\n\r\n");

        SipParser.Parsed parsed = parse(folded.toString());

        assertThat(parsed).isInstanceOf(SipParser.Dropped.class);
        assertThat(((SipParser.Dropped) parsed).why()).contains("header longer than");
    }

    @Test
    void a_transaction_keeps_only_the_headers_it_answers_with_and_no_body() {
        String withBody = "OPTIONS sip:0800000001@t SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 10.0.0.7:5062;branch=z9hG4bK-1\r\n"
                + "From: <sip:01012345678@t>;tag=a\r\nTo: <sip:0800000001@t>\r\nCall-ID: big\r\nCSeq: 1 OPTIONS\r\n"
                + "X-Padding: " + "p".repeat(4000) + "\r\n"
                + "Content-Length: 20000\r\n\r\n" + "b".repeat(20000);

        SipRequest retained = ((SipParser.Request) parse(withBody)).request().retained();

        assertThat(retained.body()).isEmpty();
        assertThat(retained.headers())
                .extracting(SipRequest.Header::name)
                .containsExactly("via", "from", "to", "call-id", "cseq");
        assertThat(retained.callId()).isEqualTo("big");
    }

    @Test
    void telephone_numbers_are_read_from_uris_as_digits() {
        Map<String, Optional<String>> vectors = new LinkedHashMap<>();
        vectors.put("sip:0800000001@t", Optional.of("0800000001"));
        vectors.put("sip:+82-80-000-0001@t;user=phone", Optional.of("0800000001"));
        vectors.put("tel:+82.10.1234.5678", Optional.of("01012345678"));
        vectors.put("tel:(02) 123-4567;phone-context=+82", Optional.of("021234567"));
        vectors.put("TEL:+15551234567", Optional.of("15551234567"));
        vectors.put("sip:user:secret@t", Optional.empty());
        vectors.put("sip:anonymous@anonymous.invalid", Optional.empty());
        vectors.put("sip:t", Optional.empty());
        vectors.put("mailto:0800000001@t", Optional.empty());
        vectors.put("sip:12@t", Optional.empty());
        vectors.put("sip:1234567890123456@t", Optional.empty());
        vectors.put("sip:%30800000001@t", Optional.empty());

        List<String> mismatches = new ArrayList<>();
        vectors.forEach((uri, expected) -> {
            Optional<String> actual = SipAddress.telephoneNumber(uri).map(PhoneNumber::digits);
            if (!actual.equals(expected)) {
                mismatches.add(uri + ": expected " + expected + ", got " + actual);
            }
        });
        assertThat(mismatches).isEmpty();
    }

    @Test
    void addresses_are_read_with_or_without_angle_brackets_and_display_names() {
        assertThat(SipAddress.parse("\"Kim, <Cafe>\" <sip:0800000001@t;user=phone>;tag=abc"))
                .hasValue(new SipAddress("sip:0800000001@t;user=phone", ";tag=abc"));
        assertThat(SipAddress.parse("sip:01012345678@t;tag=xyz").flatMap(SipAddress::tag))
                .hasValue("xyz");
        assertThat(SipAddress.parse("\"no uri\"")).isEmpty();
        assertThat(SipAddress.parse("<sip:x@t")).isEmpty();
    }
}
