package io.checkpass.server.sip;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** Builds a response to a request as RFC 3261 §8.2.6 says: the same Via list, From, Call-ID and CSeq; To with our tag. */
final class SipResponse {

    private SipResponse() {}

    /**
     * @param topVia  the request's top Via as rewritten for the response ({@link Via#forResponse}); the others are copied
     * @param toTag   added to To unless the request's To has a tag already; none on 100 Trying (§8.2.6.1)
     * @param extra   complete header lines without CRLF, e.g. {@code Retry-After: 10}
     */
    static byte[] build(
            SipRequest request, String topVia, int status, String reason, Optional<String> toTag, List<String> extra) {
        StringBuilder out = new StringBuilder(512);
        out.append("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
        List<String> vias = request.all("via");
        out.append("Via: ").append(topVia).append("\r\n");
        for (int i = 1; i < vias.size(); i++) {
            out.append("Via: ").append(vias.get(i)).append("\r\n");
        }
        request.first("from").ifPresent(v -> out.append("From: ").append(v).append("\r\n"));
        request.first("to").ifPresent(to -> {
            out.append("To: ").append(to);
            boolean tagged = SipAddress.parse(to).flatMap(SipAddress::tag).isPresent();
            if (!tagged && toTag.isPresent()) {
                out.append(";tag=").append(toTag.get());
            }
            out.append("\r\n");
        });
        request.first("call-id")
                .ifPresent(v -> out.append("Call-ID: ").append(v).append("\r\n"));
        request.first("cseq").ifPresent(v -> out.append("CSeq: ").append(v).append("\r\n"));
        for (String line : extra) {
            out.append(line).append("\r\n");
        }
        out.append("Content-Length: 0\r\n\r\n");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
