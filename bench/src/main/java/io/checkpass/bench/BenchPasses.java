package io.checkpass.bench;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.KeyStores;
import io.checkpass.core.crypto.SigningKey;
import io.checkpass.core.pass.DisplayHint;
import io.checkpass.core.pass.PassIssuer;
import io.checkpass.core.pass.PassRequest;
import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.rules.VenueRules;
import io.checkpass.core.trust.IssuerKey;
import io.checkpass.core.trust.TrustBundle;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Keys, an issuer and a bundle on a chosen provider, for benchmarks. */
final class BenchPasses {
    /** 13 Dec 2021, 12:00 KST: the lunch that failed. */
    static final Instant LUNCH = Instant.parse("2021-12-13T03:00:00Z");

    final Es256 es256;

    /** The provider a benchmark's {@code provider} parameter names: auto, accp, bc or sunec. */
    static Es256 es256(String provider) {
        return provider.equals("auto")
                ? Es256.select()
                : Es256.of(
                        switch (provider) {
                            case "accp" -> Es256.Kind.ACCP;
                            case "bc" -> Es256.Kind.BOUNCY_CASTLE;
                            case "sunec" -> Es256.Kind.SUN_EC;
                            default ->
                                throw new IllegalArgumentException(
                                        "provider must be auto, accp, bc or sunec, not " + provider);
                        });
    }

    final SigningKey issuerKey;
    final PassIssuer issuer;
    final TrustBundle bundle;

    BenchPasses(String provider) {
        this.es256 = es256(provider);
        this.issuerKey = KeyStores.generate(
                es256, "bench issuer", Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"));
        this.issuer = new PassIssuer(issuerKey, es256, new SecureRandom());
        this.bundle = new TrustBundle(
                1,
                LUNCH,
                List.of(new IssuerKey(
                        issuerKey.id(), "KR", issuerKey.publicKey(), issuerKey.notBefore(), issuerKey.notAfter())),
                Set.of(),
                VenueRules.korea());
    }

    /** A device-bound vaccinated pass request for a device key. */
    static PassRequest request(KeyPair device) {
        return new PassRequest(
                PassStatus.VACCINATED,
                LUNCH.minus(Duration.ofDays(60)),
                Optional.of(LUNCH.plus(Duration.ofDays(120))),
                DisplayHint.of("홍길동", 1985),
                Optional.of((ECPublicKey) device.getPublic()));
    }
}
