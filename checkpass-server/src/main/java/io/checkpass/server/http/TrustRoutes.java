package io.checkpass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.foreign.ForeignTrust;
import io.checkpass.core.trust.TrustBundleException;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.checkpass.server.json.VerificationJson;
import io.checkpass.server.trust.ForeignTrustStore;
import io.checkpass.server.trust.ScannerVerification;
import io.checkpass.server.trust.TrustBundleService;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** Foreign trust material (operators) and the verify API for thin scanners ({@link ScannerVerification}). */
public final class TrustRoutes {
    private final ForeignTrustStore foreignTrust;
    private final TrustBundleService bundles;
    private final ScannerVerification verification;

    public TrustRoutes(ForeignTrustStore foreignTrust, TrustBundleService bundles, ScannerVerification verification) {
        this.foreignTrust = foreignTrust;
        this.bundles = bundles;
        this.verification = verification;
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        routing.get("/api/v1/foreign-trust", guard.require(classes.operator(), this::show, Role.ISSUER_ADMIN));
        routing.post("/api/v1/foreign-trust", guard.require(classes.operator(), this::merge, Role.ISSUER_ADMIN));
        routing.post("/api/v1/verify", guard.require(classes.ingest(), this::verify, Role.SCANNER));
    }

    private void show(Principal operator, ServerRequest req, ServerResponse res) {
        Responses.json(res, 200, foreignTrust.section());
    }

    private void merge(Principal operator, ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.json(req, 4 * 1024 * 1024);
        ForeignTrust merged;
        try {
            merged = foreignTrust.merge(operator.clientId(), body);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid-foreign-trust", "Invalid foreign trust material", e.getMessage());
        }
        long version = bundles.publish("foreign trust merged by " + operator.clientId())
                .version();
        Responses.json(res, 200, merged.toJson().put("bundleVersion", version));
    }

    private void verify(Principal scanner, ServerRequest req, ServerResponse res) throws TrustBundleException {
        JsonNode body = Bodies.json(req, 16 * 1024);
        String text = body.path("text").asText("");
        if (text.isEmpty()) {
            throw ApiException.badRequest("text (the scanned QR text) is required");
        }
        var verified = verification.verify(
                scanner.clientId(), text, body.path("venueType").asText("restaurant_cafe"));
        Responses.json(
                res, 200, VerificationJson.toJson(verified.result()).put("bundleVersion", verified.bundleVersion()));
    }
}
