package io.checkpass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.foreign.ForeignFormats;
import io.checkpass.core.foreign.ForeignTrust;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.trust.TrustBundleException;
import io.checkpass.core.trust.TrustBundles;
import io.checkpass.core.verify.PassVerifier;
import io.checkpass.core.verify.VerificationResult;
import io.checkpass.core.verify.VerifierPolicy;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.checkpass.server.json.VerificationJson;
import io.checkpass.server.trust.ForeignTrustStore;
import io.checkpass.server.trust.TrustBundleService;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Foreign trust material (operators) and the verify API for thin scanners: a scanner that cannot verify a
 * format itself (foreign passes in the browser scanner) asks the centre, which runs the same core verifier
 * against the same bundle it publishes. Each scanner gets its own verifier, so replays are caught per scanner
 * as they would be at the door.
 */
public final class TrustRoutes {
    private final ForeignTrustStore foreignTrust;
    private final TrustBundleService bundles;
    private final Es256 es256;
    private final Clock clock;
    private final Cache<String, ScannerVerifier> verifiers = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterAccess(Duration.ofHours(1)).build();

    private record ScannerVerifier(PassVerifier verifier, long[] bundleVersion) {}

    public TrustRoutes(ForeignTrustStore foreignTrust, TrustBundleService bundles, Es256 es256, Clock clock) {
        this.foreignTrust = foreignTrust;
        this.bundles = bundles;
        this.es256 = es256;
        this.clock = clock;
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        routing.get("/api/v1/foreign-trust", classes.operator().guard(guard.require(this::show, Role.ISSUER_ADMIN)));
        routing.post("/api/v1/foreign-trust", classes.operator().guard(guard.require(this::merge, Role.ISSUER_ADMIN)));
        routing.post("/api/v1/verify", classes.ingest().guard(guard.require(this::verify, Role.SCANNER)));
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
        long version = bundles.publish("foreign trust merged by " + operator.clientId()).version();
        Responses.json(res, 200, merged.toJson().put("bundleVersion", version));
    }

    private void verify(Principal scanner, ServerRequest req, ServerResponse res) throws TrustBundleException {
        JsonNode body = Bodies.json(req, 16 * 1024);
        String text = body.path("text").asText("");
        if (text.isEmpty()) {
            throw ApiException.badRequest("text (the scanned QR text) is required");
        }
        TrustBundleService.Published published = bundles.current();
        TrustBundle bundle = null;
        ScannerVerifier entry = verifiers.getIfPresent(scanner.clientId());
        if (entry == null || entry.bundleVersion()[0] != published.version()) {
            bundle = TrustBundles.open(published.signed(), Optional.empty(), es256).bundle();
        }
        if (entry == null) {
            entry = new ScannerVerifier(new PassVerifier(bundle, es256, clock, VerifierPolicy.DEFAULT, ForeignFormats.all(es256)),
                    new long[] {published.version()});
            verifiers.put(scanner.clientId(), entry);
        } else if (bundle != null) {
            synchronized (entry) {
                entry.verifier().install(bundle);
                entry.bundleVersion()[0] = published.version();
            }
        }
        String venueCode = body.path("venueType").asText("restaurant_cafe");
        VenueType venueType = entry.verifier().bundle().venueRules().venueType(venueCode).orElseThrow(() ->
                ApiException.badRequest("venueType '" + venueCode + "' is not a venue type of the rules"));
        VerificationResult result = entry.verifier().verify(text, venueType);
        Responses.json(res, 200, VerificationJson.toJson(result).put("bundleVersion", published.version()));
    }
}
