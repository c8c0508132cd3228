package io.checkpass.core.verify;

import static io.checkpass.core.PassFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import io.checkpass.core.codec.Base45;
import io.checkpass.core.pass.DisplayHint;
import io.checkpass.core.pass.IssuedCredential;
import io.checkpass.core.pass.PassFormat;
import io.checkpass.core.pass.PassRequest;
import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.pass.Presentation;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Properties of the native pipeline: valid passes always verify, altered ones never do, nothing throws. */
class PassVerifierProperties {
    private static final Instant NOW = LUNCH_13_DEC;
    /** Fixed, so that a run is reproducible; QuickTheories reports it with any falsifying example. */
    private static final long SEED = 20211213L;

    /** Arbitrary but valid pass requests: any status that the restaurant rules admit, any name, year and window. */
    private static Gen<PassRequest> validRequests() {
        Gen<PassStatus> status = arbitrary()
                .pick(
                        PassStatus.VACCINATED,
                        PassStatus.TESTED,
                        PassStatus.RECOVERED,
                        PassStatus.EXEMPT,
                        PassStatus.MINOR);
        Gen<Integer> letter =
                Generate.oneOf(integers().between('가', '힣'), integers().between('A', 'z'));
        Gen<String> name = Generate.intArrays(integers().between(1, 12), letter)
                .map(codePoints -> new String(codePoints, 0, codePoints.length));
        Gen<Integer> year = integers().between(1900, 2021);
        Gen<Long> startedDaysAgo = longs().between(0, 2000);
        Gen<Optional<Long>> daysLeft = longs().between(1, 2000).toOptionals(10);
        return status.zip(
                name,
                year,
                startedDaysAgo,
                daysLeft,
                (s, n, y, ago, left) -> new PassRequest(
                        s,
                        NOW.minus(Duration.ofDays(ago)),
                        left.map(d -> NOW.plus(Duration.ofDays(d))),
                        DisplayHint.of(n, y),
                        Optional.of((ECPublicKey) DEVICE.getPublic())));
    }

    /** Any UTF-16 text up to {@code maxLength} chars: every char value, lone surrogates included. */
    private static Gen<String> text(int maxLength) {
        return strings()
                .betweenCodePoints(Character.MIN_VALUE, Character.MAX_VALUE)
                .ofLengthBetween(0, maxLength);
    }

    @Test
    void any_valid_pass_presented_fresh_is_admitted() {
        qt().withExamples(200)
                .withFixedSeed(SEED)
                .forAll(validRequests(), integers().between(0, 60))
                .checkAssert(PassVerifierProperties::isAdmittedWhenPresentedFresh);
    }

    private static void isAdmittedWhenPresentedFresh(PassRequest request, int ageSeconds) {
        IssuedCredential credential = ISSUER.issue(request, NOW.minus(Duration.ofHours(1)), Duration.ofHours(48));
        String text = HOLDER.present(credential.encoded(), NOW.minusSeconds(ageSeconds))
                .toText();
        VerificationResult result = verifierAt(NOW, bundle()).verify(text, RESTAURANT);
        assertThat(result.verdict()).isEqualTo(Verdict.ADMIT);
        assertThat(result.pass().orElseThrow().status()).isEqualTo(request.status());
        assertThat(result.pass().orElseThrow().display()).contains(request.display());
    }

    private static final byte[] PRESENTATION =
            HOLDER.present(vaccinated(NOW).encoded(), NOW).encode();

    @Test
    void no_single_bit_flip_of_a_presentation_is_ever_admitted() {
        qt().withExamples(2500)
                .withFixedSeed(SEED)
                .forAll(integers().between(0, 100_000))
                .checkAssert(PassVerifierProperties::aFlippedBitIsNotAdmitted);
    }

    private static void aFlippedBitIsNotAdmitted(int position) {
        int bit = position % (PRESENTATION.length * 8);
        byte[] flipped = PRESENTATION.clone();
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        VerificationResult result =
                verifierAt(NOW, bundle()).verify(PassFormat.PREFIX + Base45.encode(flipped), RESTAURANT);
        assertThat(result.verdict()).as("bit %d", bit).isNotIn(Verdict.ADMIT, Verdict.ADMIT_LIMITED, Verdict.CHECK_ID);
    }

    @Test
    void arbitrary_bytes_never_make_an_exception_escape() {
        qt().withExamples(1000)
                .withFixedSeed(SEED)
                .forAll(Generate.byteArrays(
                        integers().between(0, 900), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0)))
                .checkAssert(bytes -> {
                    VerificationResult result =
                            verifierAt(NOW, bundle()).verify(PassFormat.PREFIX + Base45.encode(bytes), RESTAURANT);
                    assertThat(result.verdict()).isEqualTo(Verdict.DENY);
                });
    }

    @Test
    void arbitrary_text_never_makes_an_exception_escape() {
        qt().withExamples(1000)
                .withFixedSeed(SEED)
                .forAll(text(1500))
                .checkAssert(PassVerifierProperties::isDeniedWithoutAnException);
    }

    private static void isDeniedWithoutAnException(String text) {
        assertThat(verifierAt(NOW, bundle()).verify(text, RESTAURANT).verdict()).isEqualTo(Verdict.DENY);
        assertThat(verifierAt(NOW, bundle())
                        .verify(PassFormat.PREFIX + text, RESTAURANT)
                        .verdict())
                .isEqualTo(Verdict.DENY);
    }

    @Test
    void truncations_and_extensions_are_never_admitted() {
        qt().withExamples(400)
                .withFixedSeed(SEED)
                .forAll(integers().between(0, 2000))
                .checkAssert(PassVerifierProperties::aTruncationOrExtensionIsNotAdmitted);
    }

    private static void aTruncationOrExtensionIsNotAdmitted(int length) {
        String valid = Presentation.ofStatic(
                        issue(PassStatus.VACCINATED, NOW, false).encoded())
                .toText();
        String altered =
                length <= valid.length() ? valid.substring(0, length) : valid + "0".repeat(length - valid.length());
        if (!altered.equals(valid)) {
            assertThat(verifierAt(NOW, bundle()).verify(altered, RESTAURANT).verdict())
                    .isEqualTo(Verdict.DENY);
        }
    }
}
