package io.checkpass.server.http;

import io.checkpass.core.crypto.Digests;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * The pages' text files (HTML, scripts, styles, SVG, manifests) gzip-compressed for browsers that accept it, about a
 * quarter of their size: compressed once, on first request, from the class path, and kept (they never change while
 * the server runs). Revalidation works as for the plain files: a strong ETag of the compressed bytes, 304 when it
 * matches. Anything else, and clients that do not accept gzip, fall through to the static content service.
 */
final class CompressedPages {
    private static final Map<String, String> TEXT_TYPES = Map.of(
            "html", "text/html; charset=UTF-8",
            "js", "text/javascript",
            "mjs", "text/javascript",
            "css", "text/css",
            "svg", "image/svg+xml",
            "json", "application/json",
            "webmanifest", "application/manifest+json");

    private record Compressed(byte[] gzip, String etag, String contentType) {}

    private final Map<String, Optional<Compressed>> cache = new ConcurrentHashMap<>();

    /** Answers from the compressed copy; false when this request is not one for it (the caller goes on). */
    boolean send(ServerRequest req, ServerResponse res, String folder) {
        if (!acceptsGzip(req.headers().value(HeaderNames.ACCEPT_ENCODING).orElse(""))) {
            return false;
        }
        String path = req.path().path();
        String prefix = "/" + folder + "/";
        if (!path.startsWith(prefix)) {
            return false;
        }
        String file = path.substring(prefix.length());
        if (file.isEmpty() || file.endsWith("/")) {
            file += "index.html";
        }
        if (file.contains("..") || file.contains("//") || file.contains("\\") || file.contains("%")) {
            return false;
        }
        int dot = file.lastIndexOf('.');
        String type = dot < 0 ? null : TEXT_TYPES.get(file.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            return false;
        }
        Optional<Compressed> compressed = cache.computeIfAbsent("web/" + folder + "/" + file, name -> load(name, type));
        if (compressed.isEmpty()) {
            return false;
        }
        Compressed c = compressed.get();
        res.header(HeaderNames.VARY, "Accept-Encoding");
        res.header(HeaderNames.ETAG, c.etag());
        if (req.headers()
                .value(HeaderNames.IF_NONE_MATCH)
                .filter(c.etag()::equals)
                .isPresent()) {
            res.status(Status.NOT_MODIFIED_304);
            res.send();
            return true;
        }
        res.header(HeaderNames.CONTENT_TYPE, c.contentType());
        res.header(HeaderNames.CONTENT_ENCODING, "gzip");
        res.send(c.gzip());
        return true;
    }

    /** gzip listed without {@code q=0}. */
    static boolean acceptsGzip(String acceptEncoding) {
        for (String part : acceptEncoding.split(",")) {
            String[] params = part.trim().split(";");
            if (params[0].trim().equalsIgnoreCase("gzip")) {
                for (int i = 1; i < params.length; i++) {
                    String p = params[i].replace(" ", "");
                    if (p.startsWith("q=")
                            && Double.parseDouble("0" + p.substring(2).replaceAll("[^0-9.]", "")) == 0) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    private static Optional<Compressed> load(String resource, String type) {
        try (InputStream in = CompressedPages.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] plain = in.readAllBytes();
            var out = new ByteArrayOutputStream(plain.length / 3 + 64);
            try (var gzip = new GZIPOutputStream(out)) {
                gzip.write(plain);
            }
            byte[] bytes = out.toByteArray();
            String etag = "\"gz-" + HexFormat.of().formatHex(Digests.sha256(bytes), 0, 12) + "\"";
            return Optional.of(new Compressed(bytes, etag, type));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the page file " + resource, e);
        }
    }
}
