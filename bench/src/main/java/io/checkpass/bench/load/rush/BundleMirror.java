package io.checkpass.bench.load.rush;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.trust.TrustBundleException;
import io.checkpass.core.trust.TrustBundles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.Optional;

/**
 * The scanners' view of the trust bundle: fetched with If-None-Match, opened against the pinned bundle key, and
 * kept when the centre does not answer — a scanner never loses its bundle because the centre is down.
 */
final class BundleMirror {
    private final URI uri;
    private final ECPublicKey anchor;
    private final Es256 es256;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private String etag = "";

    BundleMirror(URI base, ECPublicKey anchor, Es256 es256) {
        this.uri = base.resolve("/api/v1/trust-bundle");
        this.anchor = anchor;
        this.es256 = es256;
    }

    /** A newer bundle, or empty when unchanged or unreachable. */
    Optional<TrustBundle> refresh() {
        try {
            HttpResponse<byte[]> response = http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(5))
                            .header("If-None-Match", etag)
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            TrustBundle bundle = TrustBundles.open(response.body(), Optional.of(anchor), es256)
                    .bundle();
            etag = response.headers().firstValue("ETag").orElse("");
            return Optional.of(bundle);
        } catch (IOException | TrustBundleException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
