package io.checkpass.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads request bodies with a hard size bound checked before parsing: the edge of "parse at the edge". */
public final class Bodies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Bodies() {}

    /**
     * The body, at most {@code maxBytes}.
     *
     * @throws ApiException 413 when larger, 400 when absent
     */
    public static byte[] read(ServerRequest req, int maxBytes) {
        long declared = req.headers().contentLength().orElse(-1L);
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        if (!req.content().hasEntity()) {
            throw ApiException.badRequest("the request has no body; send JSON");
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body as a JSON object. */
    public static JsonNode json(ServerRequest req, int maxBytes) {
        byte[] body = read(req, maxBytes);
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("application/json");
        if (!type.startsWith("application/json") && !type.startsWith("application/fhir+json")) {
            throw new ApiException(
                    415,
                    "unsupported-media-type",
                    "Unsupported media type",
                    "send Content-Type: application/json, not " + type);
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiException tooLarge(int maxBytes) {
        return new ApiException(
                413, "too-large", "Request body too large", "the body must be at most " + maxBytes + " bytes");
    }
}
