package io.checkpass.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.pass.Presentation;
import io.checkpass.server.json.CredentialJson;
import io.checkpass.server.notify.proof.ProofLinkService;
import io.checkpass.server.notify.proof.ProofPage;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The SMS proof links (docs/adr/0018): {@code /p/<token>} is the public page of a person's paper pass, and {@code
 * /api/v1/proofs/<token>} the same as JSON. No sign-in: the token is the capability. A token that opens nothing counts
 * as a failed sign-in of the source address, and the address is throttled like one ({@link Guard}), as the pairing
 * route does, so tokens cannot be tried in bulk from one place (they are 128-bit random anyway).
 */
public final class ProofRoutes {
    private final Optional<ProofLinkService> links;
    private final byte[] worker = resource("web/proof/sw.js");
    private final byte[] script = resource("web/proof/proof.js");

    /** @param links the proof links, or empty when {@code server.public-base-url} is not set (every token unknown) */
    public ProofRoutes(Optional<ProofLinkService> links) {
        this.links = links;
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        routing.get("/p/sw.js", (req, res) -> script(res, worker));
        routing.get("/p/proof.js", (req, res) -> script(res, script));
        routing.get("/p/{token}", classes.publicReads().guard((req, res) -> page(req, res, guard)));
        routing.get("/api/v1/proofs/{token}", classes.publicReads().guard((req, res) -> json(req, res, guard)));
    }

    private void page(ServerRequest req, ServerResponse res, Guard guard) {
        pageHeaders(res);
        try {
            guard.refuseIfThrottled(req, res);
        } catch (ApiException throttled) {
            send(res, throttled.status(), ProofPage.ended(ProofPage.Ending.THROTTLED));
            return;
        }
        switch (open(req, guard)) {
            case ProofLinkService.Opened.Shown shown -> send(res, 200, ProofPage.shown(shown));
            case ProofLinkService.Opened.Expired expired -> send(res, 410, ProofPage.ended(ProofPage.Ending.EXPIRED));
            case ProofLinkService.Opened.Unknown unknown -> send(res, 404, ProofPage.ended(ProofPage.Ending.UNKNOWN));
        }
    }

    private void json(ServerRequest req, ServerResponse res, Guard guard) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        guard.refuseIfThrottled(req, res);
        switch (open(req, guard)) {
            case ProofLinkService.Opened.Shown shown -> {
                ObjectNode json = CredentialJson.toJson(
                        shown.pass().claims(), shown.pass().credential());
                json.put("validUntil", shown.validUntil().toString());
                json.put("qr", Presentation.ofStatic(shown.pass().credential()).toText());
                Responses.json(res, 200, json);
            }
            case ProofLinkService.Opened.Expired expired ->
                throw new ApiException(
                        410,
                        "proof-link-expired",
                        "Proof link expired",
                        "the paper pass this link showed has ended; 이 링크의 방역패스는 유효기간이 끝났습니다");
            case ProofLinkService.Opened.Unknown unknown ->
                throw ApiException.notFound("proof-link-unknown", "no proof link has this token; 알 수 없는 링크입니다");
        }
    }

    private ProofLinkService.Opened open(ServerRequest req, Guard guard) {
        String token = req.path().pathParameters().get("token");
        ProofLinkService.Opened opened = links.map(l -> l.open(token)).orElseGet(ProofLinkService.Opened.Unknown::new);
        if (opened instanceof ProofLinkService.Opened.Unknown) {
            guard.countFailure(req);
        }
        return opened;
    }

    private static void pageHeaders(ServerResponse res) {
        // The token is in the path: no referrer leaves the page, no cache but the holder's own keeps it.
        res.header(HeaderNames.CACHE_CONTROL, "private, no-cache");
        res.header(HeaderNames.create("Content-Security-Policy"), WebPages.CONTENT_SECURITY_POLICY);
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        res.header(HeaderNames.create("Permissions-Policy"), "camera=(), microphone=(), geolocation=()");
        res.header(HeaderNames.create("X-Robots-Tag"), "noindex");
    }

    private static void send(ServerResponse res, int status, String html) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.send(html.getBytes(StandardCharsets.UTF_8));
    }

    private static void script(ServerResponse res, byte[] body) {
        res.header(HeaderNames.CONTENT_TYPE, "text/javascript");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.create("Content-Security-Policy"), WebPages.CONTENT_SECURITY_POLICY);
        res.send(body);
    }

    private static byte[] resource(String path) {
        try (InputStream in = ProofRoutes.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
