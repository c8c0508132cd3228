package io.checkpass.server.trust;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.foreign.ForeignFormats;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.trust.TrustBundleException;
import io.checkpass.core.trust.TrustBundles;
import io.checkpass.core.verify.PassVerifier;
import io.checkpass.core.verify.VerificationResult;
import io.checkpass.core.verify.VerifierPolicy;
import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.refusal.Refused;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Verification for thin scanners: a scanner that cannot verify a format itself (foreign passes in the browser
 * scanner) asks the centre, which runs the same core verifier against the bundle it publishes. Each scanner has
 * its own verifier, so replays are caught per scanner as they would be at the door. The published bundle is
 * opened (its signature checked) once per version, not once per request.
 */
public final class ScannerVerification {
    private final TrustBundleService bundles;
    private final Es256 es256;
    private final Clock clock;
    private final AtomicReference<OpenedBundle> opened = new AtomicReference<>();
    private final Cache<String, ScannerVerifier> verifiers = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterAccess(Duration.ofHours(1))
            .build();

    /** The published bundle of one version, opened. */
    private record OpenedBundle(long version, TrustBundle bundle) {}

    /** One scanner's verifier and the bundle version installed in it; installs are serialised per scanner. */
    private static final class ScannerVerifier {
        private final PassVerifier verifier;
        private long installedVersion;

        ScannerVerifier(PassVerifier verifier, long installedVersion) {
            this.verifier = verifier;
            this.installedVersion = installedVersion;
        }

        synchronized void installIfOlder(OpenedBundle bundle) {
            if (installedVersion < bundle.version()) {
                verifier.install(bundle.bundle());
                installedVersion = bundle.version();
            }
        }
    }

    /** A verdict, and the bundle version it was reached under. */
    public record Verified(VerificationResult result, long bundleVersion) {}

    public ScannerVerification(TrustBundleService bundles, Es256 es256, Clock clock) {
        this.bundles = bundles;
        this.es256 = es256;
        this.clock = clock;
    }

    /**
     * Verifies a scanned QR text for one scanner at a venue type of the rules.
     *
     * @throws Refused ({@link Refusal.UnknownVenueType}) if the rules know no such venue type
     */
    public Verified verify(String scannerId, String text, String venueTypeCode) throws TrustBundleException {
        OpenedBundle bundle = current();
        ScannerVerifier scanner = verifiers.get(
                scannerId,
                id -> new ScannerVerifier(
                        new PassVerifier(
                                bundle.bundle(), es256, clock, VerifierPolicy.DEFAULT, ForeignFormats.all(es256)),
                        bundle.version()));
        scanner.installIfOlder(bundle);
        VenueType venueType = scanner.verifier
                .bundle()
                .venueRules()
                .venueType(venueTypeCode)
                .orElseThrow(() -> new Refused(new Refusal.UnknownVenueType(venueTypeCode)));
        return new Verified(scanner.verifier.verify(text, venueType), bundle.version());
    }

    /** The published bundle, opened once per version; concurrent requests after a publication may open it twice. */
    private OpenedBundle current() throws TrustBundleException {
        TrustBundleService.Published published = bundles.current();
        OpenedBundle known = opened.get();
        if (known != null && known.version() == published.version()) {
            return known;
        }
        OpenedBundle fresh = new OpenedBundle(
                published.version(),
                TrustBundles.open(published.signed(), Optional.empty(), es256).bundle());
        opened.accumulateAndGet(
                fresh, (old, candidate) -> old == null || old.version() < candidate.version() ? candidate : old);
        return fresh;
    }
}
