package io.checkpass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/** Small helpers for JSON responses. */
public final class Responses {
    private Responses() {}

    public static void json(ServerResponse res, int status, JsonNode body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(body.toString().getBytes(StandardCharsets.UTF_8));
    }
}
