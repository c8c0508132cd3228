package io.checkpass.core.verify;

import static io.checkpass.core.PassFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** Properties of the native pipeline: valid passes always verify, altered ones never do, nothing throws. */
class PassVerifierProperties {
    private static final Instant NOW = LUNCH_13_DEC;

    /** Arbitrary but valid pass requests: any status that the restaurant rules admit, any name, year and window. */
    @Provide
    Arbitrary<PassRequest> validRequests() {
        Arbitrary<PassStatus> status = Arbitraries.of(PassStatus.VACCINATED, PassStatus.TESTED, PassStatus.RECOVERED,
                PassStatus.EXEMPT, PassStatus.MINOR);
        Arbitrary<String> name = Arbitraries.strings().withCharRange('가', '힣').withCharRange('A', 'z').ofMinLength(1).ofMaxLength(12);
        Arbitrary<Integer> year = Arbitraries.integers().between(1900, 2021);
        Arbitrary<Long> startedDaysAgo = Arbitraries.longs().between(0, 2000);
        Arbitrary<Optional<Long>> daysLeft = Arbitraries.longs().between(1, 2000).optional();
        return Combinators.combine(status, name, year, startedDaysAgo, daysLeft).as((s, n, y, ago, left) ->
                new PassRequest(s, NOW.minus(Duration.ofDays(ago)), left.map(d -> NOW.plus(Duration.ofDays(d))),
                        DisplayHint.of(n, y), Optional.of((ECPublicKey) DEVICE.getPublic())));
    }

    @Property(tries = 200)
    void any_valid_pass_presented_fresh_is_admitted(@ForAll("validRequests") PassRequest request,
            @ForAll @IntRange(min = 0, max = 60) int ageSeconds) {
        IssuedCredential credential = ISSUER.issue(request, NOW.minus(Duration.ofHours(1)), Duration.ofHours(48));
        String text = HOLDER.present(credential.encoded(), NOW.minusSeconds(ageSeconds)).toText();
        VerificationResult result = verifierAt(NOW, bundle()).verify(text, RESTAURANT);
        assertThat(result.verdict()).isEqualTo(Verdict.ADMIT);
        assertThat(result.pass().orElseThrow().status()).isEqualTo(request.status());
        assertThat(result.pass().orElseThrow().display()).contains(request.display());
    }

    private static final byte[] PRESENTATION = HOLDER.present(vaccinated(NOW).encoded(), NOW).encode();

    @Property(tries = 2500)
    void no_single_bit_flip_of_a_presentation_is_ever_admitted(@ForAll @IntRange(min = 0, max = 100_000) int position) {
        int bit = position % (PRESENTATION.length * 8);
        byte[] flipped = PRESENTATION.clone();
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        VerificationResult result = verifierAt(NOW, bundle()).verify(PassFormat.PREFIX + Base45.encode(flipped), RESTAURANT);
        assertThat(result.verdict()).as("bit %d", bit).isNotIn(Verdict.ADMIT, Verdict.ADMIT_LIMITED, Verdict.CHECK_ID);
    }

    @Property(tries = 1000)
    void arbitrary_bytes_never_make_an_exception_escape(@ForAll @Size(max = 900) byte[] bytes) {
        VerificationResult result = verifierAt(NOW, bundle()).verify(PassFormat.PREFIX + Base45.encode(bytes), RESTAURANT);
        assertThat(result.verdict()).isEqualTo(Verdict.DENY);
    }

    @Property(tries = 1000)
    void arbitrary_text_never_makes_an_exception_escape(@ForAll @StringLength(max = 1500) String text) {
        assertThat(verifierAt(NOW, bundle()).verify(text, RESTAURANT).verdict()).isEqualTo(Verdict.DENY);
        assertThat(verifierAt(NOW, bundle()).verify(PassFormat.PREFIX + text, RESTAURANT).verdict()).isEqualTo(Verdict.DENY);
    }

    @Property(tries = 400)
    void truncations_and_extensions_are_never_admitted(@ForAll @IntRange(min = 0, max = 2000) int length) {
        String valid = Presentation.ofStatic(issue(PassStatus.VACCINATED, NOW, false).encoded()).toText();
        String altered = length <= valid.length() ? valid.substring(0, length) : valid + "0".repeat(length - valid.length());
        if (!altered.equals(valid)) {
            assertThat(verifierAt(NOW, bundle()).verify(altered, RESTAURANT).verdict()).isEqualTo(Verdict.DENY);
        }
    }
}
