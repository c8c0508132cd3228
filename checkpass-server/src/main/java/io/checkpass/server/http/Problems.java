package io.checkpass.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that turns failures into RFC 9457 {@code application/problem+json} responses. */
public final class Problems {
    private static final Logger log = LoggerFactory.getLogger(Problems.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://checkpass.kr/problems/";

    private Problems() {}

    public static void send(ServerRequest req, ServerResponse res, ApiException e) {
        ObjectNode body = JSON.createObjectNode()
                .put("type", TYPE_BASE + e.type())
                .put("title", e.title())
                .put("status", e.status())
                .put("detail", e.getMessage())
                .put("instance", req.path().path());
        e.extensions().forEach((k, v) -> body.set(k, JSON.valueToTree(v)));
        res.status(Status.create(e.status()));
        res.header(HeaderNames.CONTENT_TYPE, MEDIA_TYPE);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Anything that is not an {@link ApiException} is our fault: log it with context, answer 500 without details. */
    public static void sendUnexpected(ServerRequest req, ServerResponse res, Throwable t) {
        log.error("unexpected failure on {} {}", req.prologue().method().text(), req.path().path(), t);
        if (!res.isSent()) {
            send(req, res, new ApiException(500, "internal", "Internal error",
                    "the server failed; the failure is logged. Retry later; nothing you sent was half-stored."));
        }
    }
}
