package io.checkpass.server.sip;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A SIP request as received. Header names are lower case with compact forms expanded ({@code v} is
 * {@code via}); values are trimmed and otherwise as sent, so responses copy them byte for byte.
 */
record SipRequest(String method, String requestUri, List<Header> headers, byte[] body) {

    /** One header field line (after unfolding). */
    record Header(String name, String value) {}

    SipRequest {
        headers = List.copyOf(headers);
    }

    /** The headers a transaction reads after the request arrived: what responses echo, and what the line decides on. */
    private static final Set<String> RETAINED =
            Set.of("via", "from", "to", "call-id", "cseq", "require", "p-asserted-identity");

    /**
     * This request as a transaction keeps it, for up to Timer J (32 s): those headers only, and no body. A
     * transaction needs no more to answer and retransmit, and a large request must not hold its size in memory
     * all that time (64 KB requests at the transaction limit held 100 MB before).
     */
    SipRequest retained() {
        List<Header> kept = new ArrayList<>();
        for (Header h : headers) {
            if (RETAINED.contains(h.name())) {
                kept.add(h);
            }
        }
        return new SipRequest(method, requestUri, kept, new byte[0]);
    }

    /** The first value of a header, if present. */
    Optional<String> first(String name) {
        for (Header h : headers) {
            if (h.name().equals(name)) {
                return Optional.of(h.value());
            }
        }
        return Optional.empty();
    }

    /** Every value of a list-valued header (Via, P-Asserted-Identity, Require), across lines and commas, in order. */
    List<String> all(String name) {
        List<String> out = new ArrayList<>();
        for (Header h : headers) {
            if (h.name().equals(name)) {
                out.addAll(splitList(h.value()));
            }
        }
        return out;
    }

    String callId() {
        return first("call-id").orElseThrow();
    }

    /** The CSeq sequence number (validated by the parser). */
    long cseqNumber() {
        return Long.parseLong(first("cseq").orElseThrow().split("\\s+")[0]);
    }

    Via topVia() {
        return Via.parse(all("via").getFirst()).orElseThrow();
    }

    SipAddress from() {
        return SipAddress.parse(first("from").orElseThrow()).orElseThrow();
    }

    SipAddress to() {
        return SipAddress.parse(first("to").orElseThrow()).orElseThrow();
    }

    /** Splits a header value on commas that are outside quotes and angle brackets. */
    static List<String> splitList(String value) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int angle = 0;
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '<') {
                angle++;
            } else if (c == '>') {
                angle = Math.max(0, angle - 1);
            } else if (c == ',' && angle == 0) {
                addTrimmed(parts, value.substring(start, i));
                start = i + 1;
            }
        }
        addTrimmed(parts, value.substring(start));
        return parts;
    }

    private static void addTrimmed(List<String> parts, String part) {
        String t = part.trim();
        if (!t.isEmpty()) {
            parts.add(t);
        }
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
