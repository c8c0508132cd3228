package io.checkpass.server.http;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.staticcontent.StaticContentService;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The wallet, scanner and console pages, served from the class path ({@code web/}) by Helidon's static
 * content service: plain HTML, CSS and JavaScript modules, no build step. {@code /shared} holds the verifier and
 * the vendored libraries all three use.
 *
 * <p>Text files go gzip-compressed to browsers that accept it ({@link CompressedPages}). Every page file is sent
 * with {@code Cache-Control: no-cache}: the browser revalidates (Helidon answers 304 by
 * ETag), and the service workers keep their own copies for offline use (docs/pages.md).
 */
public final class WebPages {
    private static final List<String> PAGES = List.of("wallet", "scanner", "console", "inspector");

    /**
     * What a page may load and run: only our own scripts (no inline script, no eval), images of our own or made in
     * the page (the QR), connections to this centre only, and no framing by another site (clickjacking a door's
     * verdict). Inline styles stay allowed: the console's charts are SVG with style attributes, and a style cannot
     * run code.
     */
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
                    + " img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none';"
                    + " form-action 'self'; frame-ancestors 'none'";

    private final byte[] testHooks;
    private final CompressedPages compressed = new CompressedPages();

    /** @param testHooks whether the pages honour their test and replay hooks (config {@code pages.test-hooks}) */
    public WebPages(boolean testHooks) {
        this.testHooks = ("// Made by the centre (config pages.test-hooks): whether this page honours ?clockOffset=.\n"
                        + "export const testHooks = " + testHooks + ";\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        routing.get("/shared/test-hooks.js", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/javascript");
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
            res.header(HeaderNames.create("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
            res.send(testHooks);
        });
        // Browsers ask for /favicon.ico on their own; the pages' icon answers it rather than a 404 in their console.
        routing.get("/favicon.ico", (req, res) -> {
            res.status(Status.MOVED_PERMANENTLY_301);
            res.header(HeaderNames.LOCATION, "/shared/icon.svg");
            res.send();
        });
        for (String page : PAGES) {
            // The service workers' scope is /page/, which /page (no slash) is outside of.
            routing.get("/" + page, (req, res) -> {
                res.status(Status.MOVED_PERMANENTLY_301);
                res.header(
                        HeaderNames.LOCATION,
                        "/" + page + "/" + req.query().rawValue().transform(q -> q.isEmpty() ? "" : "?" + q));
                res.send();
            });
            register(routing, page, compressed);
        }
        register(routing, "shared", compressed);
    }

    private static void register(HttpRouting.Builder routing, String folder, CompressedPages compressed) {
        // Only the scanner and the inspector (a venue's poster QR) use the camera; no page needs the microphone or
        // location.
        String permissions = folder.equals("scanner") || folder.equals("inspector")
                ? "camera=(self), microphone=(), geolocation=()"
                : "camera=(), microphone=(), geolocation=()";
        routing.get("/" + folder + "/*", (req, res) -> {
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
            res.header(HeaderNames.create("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
            res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
            res.header(HeaderNames.create("Permissions-Policy"), permissions);
            if (!compressed.send(req, res, folder)) {
                res.next();
            }
        });
        routing.register(
                "/" + folder,
                StaticContentService.builder("web/" + folder)
                        .welcomeFileName("index.html")
                        .contentType("webmanifest", MediaTypes.create("application/manifest+json"))
                        .contentType("mjs", MediaTypes.create("text/javascript"))
                        .contentType("js", MediaTypes.create("text/javascript"))
                        .build());
    }
}
