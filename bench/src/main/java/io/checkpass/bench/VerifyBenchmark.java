package io.checkpass.bench;

import io.checkpass.core.crypto.Digests;
import io.checkpass.core.pass.HolderDevice;
import io.checkpass.core.pass.Presentation;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.verify.PassVerifier;
import io.checkpass.core.verify.Reason;
import io.checkpass.core.verify.VerificationResult;
import io.checkpass.core.verify.VerifierPolicy;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The door's cost: verifying a {@code CP1:} presentation against the raw P-256 verify it is built on, on the
 * same provider in the same JVM (docs/principles.md §8: warm ≥ 70% of raw).
 *
 * <ul>
 *   <li>{@code presentationVerifyWarm} — issuer signature already cached (the usual case: a wallet shows the
 *       same credential all day), so one ECDSA verify for the device proof plus decoding and rules;
 *   <li>{@code presentationVerifyCold} — no cache: issuer and device signatures, claims decoding and point
 *       decompression;
 *   <li>{@code rawEcdsaVerify} — one bare ES256 verify of a 67-byte message.
 * </ul>
 *
 * <p>Every presentation verified is distinct (its own serial and time), so the replay check does real work and
 * each verdict is a genuine ADMIT; the benchmark fails loudly otherwise.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar VerifyBenchmark -t 1} (add
 * {@code -p provider=accp,bc,sunec} to compare providers).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class VerifyBenchmark {
    private static final VenueType RESTAURANT = new VenueType("restaurant_cafe");
    /** 60 presentation times × 1,000 credentials: more distinct presentations than one iteration verifies. */
    private static final int CREDENTIALS = 1000;

    private static final int TIMES = 60;

    @Param({"auto"})
    public String provider;

    private BenchPasses passes;
    private List<String> presentations;
    /** One extra presentation per credential, at a time the measured loop never uses, to fill the cache. */
    private List<String> primers;

    private PassVerifier warm;
    private PassVerifier cold;
    private int next;

    private ECPublicKey deviceKey;
    private byte[] rawMessage;
    private byte[] rawSignature;

    @Setup(Level.Trial)
    public void makePresentations() {
        passes = new BenchPasses(provider);
        KeyPair device = passes.es256.generateKeyPair();
        HolderDevice holder = new HolderDevice((ECPrivateKey) device.getPrivate(), passes.es256);
        presentations = new ArrayList<>(CREDENTIALS * TIMES);
        primers = new ArrayList<>(CREDENTIALS);
        for (int c = 0; c < CREDENTIALS; c++) {
            byte[] credential = passes.issuer
                    .issue(BenchPasses.request(device), BenchPasses.LUNCH.minusSeconds(3600), Duration.ofHours(48))
                    .encoded();
            for (int t = 0; t < TIMES; t++) {
                presentations.add(holder.present(credential, BenchPasses.LUNCH.minusSeconds(t))
                        .toText());
            }
            primers.add(holder.present(credential, BenchPasses.LUNCH.minusSeconds(TIMES))
                    .toText());
        }
        Collections.shuffle(presentations, new Random(42));
        deviceKey = passes.es256.importPublic((ECPublicKey) device.getPublic());
        rawMessage = Presentation.deviceSigningInput(Digests.sha256(new byte[190]), BenchPasses.LUNCH.getEpochSecond());
        rawSignature = passes.es256.sign(device.getPrivate(), rawMessage);
    }

    /** Fresh replay memory each iteration; the warm verifier's issuer-signature cache is filled first. */
    @Setup(Level.Iteration)
    public void freshVerifiers() {
        Clock clock = Clock.fixed(BenchPasses.LUNCH, ZoneOffset.UTC);
        VerifierPolicy noSignatureCache =
                new VerifierPolicy(Duration.ofSeconds(30), Duration.ofSeconds(30), 200_000, 0);
        VerifierPolicy roomy = new VerifierPolicy(Duration.ofSeconds(30), Duration.ofSeconds(30), 200_000, 50_000);
        warm = new PassVerifier(passes.bundle, passes.es256, clock, roomy, List.of());
        cold = new PassVerifier(passes.bundle, passes.es256, clock, noSignatureCache, List.of());
        for (String primer : primers) {
            admitted(warm.verify(primer, RESTAURANT));
        }
        next = 0;
    }

    private String nextPresentation() {
        String text = presentations.get(next);
        next = next + 1 == presentations.size() ? 0 : next + 1;
        return text;
    }

    private static VerificationResult admitted(VerificationResult result) {
        if (result.reason() != Reason.VALID) {
            throw new IllegalStateException("benchmark presentation was not admitted: " + result.reason());
        }
        return result;
    }

    @Benchmark
    public VerificationResult presentationVerifyWarm() {
        return admitted(warm.verify(nextPresentation(), RESTAURANT));
    }

    @Benchmark
    public VerificationResult presentationVerifyCold() {
        return admitted(cold.verify(nextPresentation(), RESTAURANT));
    }

    @Benchmark
    public boolean rawEcdsaVerify() {
        return passes.es256.verify(deviceKey, rawMessage, rawSignature);
    }
}
