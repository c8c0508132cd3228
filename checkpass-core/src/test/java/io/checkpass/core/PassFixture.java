package io.checkpass.core;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.KeyStores;
import io.checkpass.core.crypto.SigningKey;
import io.checkpass.core.pass.DisplayHint;
import io.checkpass.core.pass.HolderDevice;
import io.checkpass.core.pass.IssuedCredential;
import io.checkpass.core.pass.PassIssuer;
import io.checkpass.core.pass.PassRequest;
import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.pass.Serial;
import io.checkpass.core.rules.VenueRules;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.trust.IssuerKey;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.verify.PassVerifier;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keys, an issuer, a device and a bundle for tests, built once per JVM because key generation is the slow
 * part. Tests pin their own clocks.
 */
public final class PassFixture {
    public static final Es256 ES256 = Es256.select();
    /** Lunch on the first day of enforcement, 13 Dec 2021 12:00 KST. */
    public static final Instant LUNCH_13_DEC =
            OffsetDateTime.of(2021, 12, 13, 12, 0, 0, 0, ZoneOffset.ofHours(9)).toInstant();

    public static final VenueRules KOREA = VenueRules.korea();
    public static final VenueType RESTAURANT = new VenueType("restaurant_cafe");
    public static final VenueType KARAOKE = new VenueType("karaoke");

    public static final SigningKey ISSUER_KEY = KeyStores.generate(
            ES256, "test issuer", Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"));
    public static final SigningKey BUNDLE_KEY = KeyStores.generate(
            ES256, "test bundle", Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"));
    public static final KeyPair DEVICE = ES256.generateKeyPair();
    public static final PassIssuer ISSUER = new PassIssuer(ISSUER_KEY, ES256, new SecureRandom());
    public static final HolderDevice HOLDER = new HolderDevice((ECPrivateKey) DEVICE.getPrivate(), ES256);

    private PassFixture() {}

    public static IssuerKey issuerKey() {
        return new IssuerKey(
                ISSUER_KEY.id(), "KR", ISSUER_KEY.publicKey(), ISSUER_KEY.notBefore(), ISSUER_KEY.notAfter());
    }

    public static TrustBundle bundle(Serial... revoked) {
        return new TrustBundle(1, LUNCH_13_DEC, List.of(issuerKey()), Set.of(revoked), KOREA);
    }

    public static PassVerifier verifierAt(Instant instant, TrustBundle bundle) {
        return new PassVerifier(bundle, ES256, Clock.fixed(instant, ZoneOffset.UTC));
    }

    /** A device-bound vaccinated pass issued an hour before {@code at}, status valid for a year around it. */
    public static IssuedCredential vaccinated(Instant at) {
        return issue(PassStatus.VACCINATED, at, true);
    }

    public static IssuedCredential issue(PassStatus status, Instant at, boolean deviceBound) {
        PassRequest request = new PassRequest(
                status,
                at.minus(Duration.ofDays(100)),
                Optional.of(at.plus(Duration.ofDays(100))),
                DisplayHint.of("홍길동", 1985),
                deviceBound ? Optional.of((ECPublicKey) DEVICE.getPublic()) : Optional.empty());
        return ISSUER.issue(request, at.minus(Duration.ofHours(1)), Duration.ofHours(48));
    }
}
