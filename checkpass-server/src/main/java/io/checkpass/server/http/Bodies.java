package io.checkpass.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** Reads request bodies with a hard size bound checked before parsing: the edge of "parse at the edge". */
public final class Bodies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Bodies() {}

    /** A body read before its request took a concurrency permit ({@link BodyReader#preRead}). */
    record PreRead(byte[] bytes) {}

    /**
     * The body, at most {@code maxBytes}: the one read ahead by {@link BodyReader#preRead} if there is one, else read now.
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
        var preRead = req.context().get(PreRead.class);
        if (preRead.isPresent()) {
            if (preRead.get().bytes().length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return preRead.get().bytes();
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return body;
        } catch (IOException | RuntimeException e) {
            throw stoppedSending(e, Duration.ZERO);
        }
    }

    /**
     * A socket read that timed out is a client too slow (408); anything else while reading is a client that went
     * away or broke off its body: its fault, answered 400 (if it still listens) and never logged as our failure.
     */
    static ApiException stoppedSending(Exception e, Duration deadline) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return tooSlow(deadline);
            }
        }
        return ApiException.badRequest("the request body ended before its declared length; send it again");
    }

    static ApiException tooSlow(Duration deadline) {
        return new ApiException(
                408,
                "request-timeout",
                "Request body too slow",
                "the body did not arrive within " + deadline.toSeconds() + " s; send it again");
    }

    /** The body as a JSON object. */
    public static JsonNode json(ServerRequest req, int maxBytes) {
        byte[] body = read(req, maxBytes);
        // No type is no JSON: a body is parsed as what it says it is (a form or text/plain from a page elsewhere
        // must not pass as JSON).
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("none");
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

    static ApiException tooLarge(int maxBytes) {
        return new ApiException(
                413, "too-large", "Request body too large", "the body must be at most " + maxBytes + " bytes");
    }
}
