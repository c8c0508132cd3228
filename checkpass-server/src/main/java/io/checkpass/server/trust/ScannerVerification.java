package io.checkpass.server.trust;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.foreign.ForeignFormats;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.trust.ScannerTrust;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verification for thin scanners: a scanner that cannot verify a format itself (foreign passes in the browser
 * scanner) asks the centre, which runs the same core verifier against the bundle it publishes. Each scanner has
 * its own verifier, so replays are caught per scanner as they would be at the door. The published bundle is
 * opened (its signature checked) once per version, not once per request, through a {@link ScannerTrust}: pinned to
 * the bundle key, following an announced rollover, refusing an older version (docs/adr/0014-key-rotation.md).
 */
public final class ScannerVerification {
    private static final Logger log = LoggerFactory.getLogger(ScannerVerification.class);
    private final TrustBundleService bundles;
    private final Es256 es256;
    private final Clock clock;
    private final AtomicReference<OpenedBundle> opened = new AtomicReference<>();
    /** Pinned at the first bundle; guarded by {@code this}. */
    private ScannerTrust trust;

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

    /**
     * The published bundle, opened once per version as a scanner would: against the bundle key it pinned (the one
     * that signed the first bundle it saw), following an announced rollover, never back to an older version.
     */
    private OpenedBundle current() throws TrustBundleException {
        TrustBundleService.Published published = bundles.current();
        OpenedBundle known = opened.get();
        if (known != null && known.version() >= published.version()) {
            return known;
        }
        synchronized (this) {
            known = opened.get();
            if (known != null && known.version() >= published.version()) {
                return known;
            }
            if (trust == null) {
                trust = new ScannerTrust(bundles.anchor(), es256);
            }
            TrustBundles.Opened accepted;
            try {
                accepted = trust.accept(published.signed());
            } catch (TrustBundleException notFollowed) {
                // This node's verifier missed the announcement (no scanner asked while it was out). Unlike a door, the
                // centre need not take a bundle's word: its database records the key that signs the bundle it serves.
                log.info("scanner verification: re-pinned to the centre's bundle key ({})", notFollowed.getMessage());
                trust = new ScannerTrust(
                        new ScannerTrust.State(bundles.anchor(), trust.state().version(), Optional.empty()), es256);
                accepted = trust.accept(published.signed());
            }
            OpenedBundle fresh = new OpenedBundle(published.version(), accepted.bundle());
            opened.set(fresh);
            return fresh;
        }
    }
}
