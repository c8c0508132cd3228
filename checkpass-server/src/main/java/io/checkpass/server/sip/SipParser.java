package io.checkpass.server.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one SIP message from a datagram (or a stream-framed message) defensively: it never throws, and sorts
 * its input into a request to handle, a request that can only be answered with an error status, or something to
 * drop (responses — this endpoint sends no requests —, keep-alives, garbage, requests without a usable Via).
 */
final class SipParser {
    /** The largest message accepted: a UDP datagram's payload cannot be larger. */
    static final int MAX_MESSAGE = 65_535;

    static final int MAX_HEADERS = 128;
    /** The longest header, folded lines joined, a request may carry. */
    static final int MAX_HEADER_LINE = 8 * 1024;

    private static final Map<String, String> COMPACT = Map.of(
            "i",
            "call-id",
            "m",
            "contact",
            "e",
            "content-encoding",
            "l",
            "content-length",
            "c",
            "content-type",
            "f",
            "from",
            "s",
            "subject",
            "k",
            "supported",
            "t",
            "to",
            "v",
            "via");

    /** The outcome of reading one message. */
    sealed interface Parsed {}

    record Request(SipRequest request) implements Parsed {}

    /** A request with a usable Via that must be answered with {@code status} (400, 505) and not processed. */
    record Invalid(SipRequest request, int status, String reason) implements Parsed {}

    record Dropped(String why) implements Parsed {}

    private SipParser() {}

    static Parsed parse(byte[] data, int length) {
        try {
            return read(data, Math.min(length, data.length));
        } catch (RuntimeException e) {
            // Every check below is explicit; this is the backstop that keeps the receive loop alive.
            return new Dropped("unparseable: " + e.getClass().getSimpleName());
        }
    }

    private static Parsed read(byte[] data, int length) {
        if (length > MAX_MESSAGE) {
            return new Dropped("larger than " + MAX_MESSAGE + " bytes");
        }
        int start = 0;
        while (start < length && (data[start] == '\r' || data[start] == '\n')) {
            start++; // RFC 5626 keep-alives, and CRLF before a start line (§7.5)
        }
        if (start == length) {
            return new Dropped("keep-alive");
        }
        int headerEnd = indexOf(data, start, length, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        int bodyStart;
        if (headerEnd >= 0) {
            bodyStart = headerEnd + 4;
        } else {
            headerEnd = indexOf(data, start, length, "\n\n".getBytes(StandardCharsets.US_ASCII));
            bodyStart = headerEnd >= 0 ? headerEnd + 2 : length;
            if (headerEnd < 0) {
                headerEnd = length;
            }
        }
        String head = new String(data, start, headerEnd - start, StandardCharsets.UTF_8);
        List<String> lines = unfold(head.split("\r?\n"));
        if (lines == null) {
            return new Dropped("a header longer than " + MAX_HEADER_LINE + " bytes");
        }
        String startLine = lines.getFirst();
        if (startLine.startsWith("SIP/")) {
            return new Dropped("a response");
        }
        String[] parts = startLine.split(" ");
        if (parts.length != 3 || !Via.isToken(parts[0]) || parts[1].isEmpty()) {
            return new Dropped("not a SIP start line");
        }
        List<SipRequest.Header> headers = new ArrayList<>();
        String badHeader = null;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon).trim();
            if (!Via.isToken(name)) {
                badHeader = badHeader == null ? "Malformed header line" : badHeader;
                continue;
            }
            if (headers.size() == MAX_HEADERS) {
                return new Dropped("more than " + MAX_HEADERS + " headers");
            }
            String lower = SipRequest.lower(name);
            headers.add(new SipRequest.Header(
                    COMPACT.getOrDefault(lower, lower),
                    line.substring(colon + 1).trim()));
        }
        String method = parts[0];
        byte[] body = Arrays.copyOfRange(data, Math.min(bodyStart, length), length);
        SipRequest request = new SipRequest(method, parts[1], headers, body);

        List<String> vias = request.all("via");
        if (vias.isEmpty() || Via.parse(vias.getFirst()).isEmpty()) {
            return new Dropped("no usable Via: nowhere to send a response");
        }
        if (!parts[2].equalsIgnoreCase("SIP/2.0")) {
            return new Invalid(request, 505, "Version Not Supported");
        }
        if (badHeader != null) {
            return new Invalid(request, 400, badHeader);
        }
        Optional<String> problem = problem(request);
        if (problem.isPresent()) {
            return new Invalid(request, 400, problem.get());
        }
        Optional<String> contentLength = request.first("content-length");
        if (contentLength.isPresent()) {
            if (!contentLength.get().matches("[0-9]{1,9}")) {
                return new Invalid(request, 400, "Bad Content-Length");
            }
            int declared = Integer.parseInt(contentLength.get());
            if (declared > body.length) {
                // §18.3: a datagram shorter than its Content-Length is an error; a request gets 400.
                return new Invalid(request, 400, "Content-Length Exceeds Message");
            }
            // §18.3: bytes beyond Content-Length are discarded.
            request = new SipRequest(method, parts[1], headers, Arrays.copyOf(body, declared));
        }
        return new Request(request);
    }

    /** What makes a request unanswerable except with 400 (§8.2: the mandatory headers and a sane CSeq). */
    private static Optional<String> problem(SipRequest r) {
        for (String name : List.of("call-id", "cseq", "from", "to")) {
            if (r.first(name).map(String::isEmpty).orElse(true)) {
                return Optional.of("Missing "
                        + switch (name) {
                            case "call-id" -> "Call-ID";
                            case "cseq" -> "CSeq";
                            case "from" -> "From";
                            default -> "To";
                        });
            }
        }
        String[] cseq = r.first("cseq").orElseThrow().split("\\s+");
        if (cseq.length != 2 || !cseq[0].matches("[0-9]{1,10}") || Long.parseLong(cseq[0]) > 0xFFFF_FFFFL) {
            return Optional.of("Bad CSeq");
        }
        if (!cseq[1].equals(r.method())) {
            return Optional.of("CSeq Method Mismatch");
        }
        if (SipAddress.parse(r.first("from").orElseThrow()).isEmpty()) {
            return Optional.of("Bad From");
        }
        if (SipAddress.parse(r.first("to").orElseThrow()).isEmpty()) {
            return Optional.of("Bad To");
        }
        if (r.requestUri().indexOf(':') <= 0) {
            return Optional.of("Bad Request-URI");
        }
        return Optional.empty();
    }

    /**
     * Joins continuation lines (starting with space or tab) to the line before (§7.3.1), in one pass: each logical
     * line grows in one builder, not by copying it again for every continuation (a datagram of 65 KB folded into
     * thousands of one-character continuations cost seconds of CPU that way). A logical header longer than
     * {@link #MAX_HEADER_LINE} is no header a trunk sends; the message is then refused ({@code null}).
     */
    private static List<String> unfold(String[] raw) {
        List<String> lines = new ArrayList<>(raw.length);
        StringBuilder current = null;
        for (String line : raw) {
            boolean continuation = current != null
                    && !lines.isEmpty()
                    && !line.isEmpty()
                    && (line.charAt(0) == ' ' || line.charAt(0) == '\t');
            if (continuation) {
                current.append(' ').append(line.trim());
            } else {
                if (current != null) {
                    lines.add(current.toString());
                }
                current = new StringBuilder(line);
            }
            if (current.length() > MAX_HEADER_LINE) {
                return null;
            }
        }
        if (current != null) {
            lines.add(current.toString());
        }
        return lines;
    }

    private static int indexOf(byte[] data, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
