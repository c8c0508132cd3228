package io.checkpass.server.http;

import java.util.Map;

/**
 * A request the API refuses, with the HTTP status and an RFC 9457 problem: thrown by handlers and parsers,
 * turned into {@code application/problem+json} in one place ({@link Problems}).
 *
 * @param type   a short stable slug, e.g. {@code unknown-person}; the problem type URI is
 *               {@code https://checkpass.kr/problems/<slug>}
 * @param title  a fixed sentence for the type
 * @param detail what was wrong with this request, and how to fix it
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String title;
    private final Map<String, Object> extensions;

    public ApiException(int status, String type, String title, String detail) {
        this(status, type, title, detail, Map.of());
    }

    public ApiException(int status, String type, String title, String detail, Map<String, Object> extensions) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.extensions = Map.copyOf(extensions);
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "bad-request", "The request is malformed", detail);
    }

    public static ApiException notFound(String type, String detail) {
        return new ApiException(404, type, "Not found", detail);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }
}
