package io.checkpass.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.conformance.foreign.ValidationClock;
import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.codec.Json;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.foreign.ForeignTrust;
import io.checkpass.core.foreign.dcc.DccSigner;
import io.checkpass.core.foreign.dcc.Hcert;
import io.checkpass.core.foreign.dcc.HcertVerifier;
import io.checkpass.core.rules.MedicalRules;
import io.checkpass.core.status.StatusDecision;
import io.checkpass.core.status.StatusEngine;
import io.checkpass.core.verify.CredentialValidity;
import io.checkpass.core.verify.ForeignEvidence;
import io.checkpass.core.verify.ForeignFormat.FormatOutcome;
import io.checkpass.core.verify.VerifierPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
import se.digg.dgc.payload.v1.DigitalCovidCertificate;
import se.digg.dgc.service.impl.DefaultDGCDecoder;
import se.digg.dgc.signatures.impl.DefaultDGCSignatureVerifier;

/**
 * Verifying an EU DCC ({@code HC1:} text to a checked payload), checkpass against DIGG's dgc-java 1.0.3
 * ({@code se.digg.dgc:dgc-create-validate}), on the same upstream vectors, in the same JVM and run.
 *
 * <p>The vectors are the ES256 cases of dgc-testdata's {@code common/} folder that expect the signature to verify
 * (and that both libraries accept): each is decoded (Base45, zlib, COSE, CWT), its signature verified against the
 * case's certificate found by key id, its expiry checked at the case's own clock, and its payload decoded.
 * <ul>
 *   <li>{@code checkpass} — {@link HcertVerifier#read} with a verifier trusting every vector's certificate, then the
 *       verifier's validity check and the status under the Korean medical rules (the evidence mapped to a health
 *       record with the accepted vaccines, then {@link StatusEngine#decideAtDoor}): what {@code PassVerifier} does
 *       for a foreign pass, before the venue rules. The vectors' own clocks predate the Korean rules (1 Nov 2021),
 *       so the status is decided at {@link #DECIDED_AT}, when the 180-day rules were in force;
 *   <li>{@code digg} — {@link DefaultDGCDecoder#decode}, with DIGG's own signature verifier pinned to the case's
 *       clock ({@code setTestValidationTime}), returning its {@link DigitalCovidCertificate}.
 * </ul>
 * No caching on either side: every call does the whole work.
 *
 * <p>Run from the repository root: {@code java -jar checkpass-bench/target/benchmarks.jar ForeignVerifyBenchmark -t 1}
 * (add {@code -p suite=DIR} for another folder of dgc-testdata cases, {@code -p provider=sunec} to give checkpass
 * the same ECDSA provider DIGG uses).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g", "-Dlogback.configurationFile=logback-bench.xml"
        })
public class ForeignVerifyBenchmark {
    @Param({"testdata/dcc/common"})
    public String suite;

    /** checkpass's ES256 provider: auto (ACCP here), accp, bc or sunec. DIGG always uses the JDK's default (SunEC). */
    @Param({"auto"})
    public String provider;

    /** One upstream vector, ready for both libraries. */
    private record Vector(String name, String text, Instant clock, DefaultDGCDecoder digg) {}

    /** 20 Jan 2022, 12:00 KST: the instant the status is decided at, under KR-MED-2022-01-03. */
    static final Instant DECIDED_AT = Instant.parse("2022-01-20T03:00:00Z");

    private static final MedicalRules RULES = MedicalRules.korea();

    private List<Vector> vectors;
    private HcertVerifier ours;
    private final StatusEngine engine = new StatusEngine(RULES);
    private int next;

    @Setup(Level.Trial)
    public void loadVectors() throws IOException {
        Es256 es256 = BenchPasses.es256(provider);
        Map<String, JsonNode> cases = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(Path.of(suite))) {
            for (Path file :
                    files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode json = Json.parse(Files.readAllBytes(file));
                if (json.path("EXPECTEDRESULTS").path("EXPECTEDVERIFY").asBoolean(false)
                        && json.hasNonNull("PREFIX")
                        && es256Signed(json.path("PREFIX").asText())) {
                    cases.put(file.getFileName().toString(), json);
                }
            }
        }
        Map<String, X509Certificate> certificates = cases.values().stream()
                .map(ForeignVerifyBenchmark::certificate)
                .collect(Collectors.toMap(c -> HexFormat.of().formatHex(DccSigner.specKid(c)), c -> c, (a, b) -> a));
        ForeignTrust trust = ForeignTrust.empty();
        for (X509Certificate certificate : certificates.values()) {
            trust = trust.withDccSigner(certificate);
        }
        ours = new HcertVerifier(ForeignTrust.fromJson(trust.toJson()).dccSigners(), es256);

        vectors = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (var entry : cases.entrySet()) {
            String name = entry.getKey();
            JsonNode json = entry.getValue();
            Instant clock = ValidationClock.parse(
                    json.path("TESTCTX").path("VALIDATIONCLOCK").asText());
            DefaultDGCSignatureVerifier diggVerifier = new DefaultDGCSignatureVerifier();
            diggVerifier.setTestValidationTime(clock);
            DefaultDGCDecoder digg = new DefaultDGCDecoder(
                    diggVerifier,
                    (country, kid) -> kid == null
                            ? List.of()
                            : Stream.ofNullable(certificates.get(HexFormat.of().formatHex(kid)))
                                    .toList());
            Vector vector = new Vector(name, json.path("PREFIX").asText(), clock, digg);
            if (checkpassAccepts(vector) && diggAccepts(vector)) {
                vectors.add(vector);
            } else {
                left.add(name + " (checkpass " + checkpassAccepts(vector) + ", DIGG " + diggAccepts(vector) + ")");
            }
        }
        if (vectors.isEmpty()) {
            throw new IllegalStateException(
                    "no vector that both libraries verify in " + suite + "; run from the repository root");
        }
        System.out.println("vectors: " + vectors.stream().map(Vector::name).toList());
        System.out.println("left out (a library refuses them): " + left);
    }

    /** The read and the validity check alone, without the status decision: what {@link #checkpass} adds to it. */
    @Benchmark
    public FormatOutcome checkpassReadOnly() {
        Vector vector = vectors.get(next++ % vectors.size());
        FormatOutcome outcome = ours.read(vector.text());
        if (!(outcome instanceof FormatOutcome.Read read)
                || CredentialValidity.check(
                                read.facts().issuedAt(),
                                read.facts().expiresAt(),
                                vector.clock(),
                                VerifierPolicy.DEFAULT.clockSkew())
                        .isPresent()) {
            throw new IllegalStateException(vector.name() + " did not verify: " + outcome);
        }
        return outcome;
    }

    @Benchmark
    public StatusDecision checkpass() {
        Vector vector = vectors.get(next++ % vectors.size());
        FormatOutcome outcome = ours.read(vector.text());
        if (!(outcome instanceof FormatOutcome.Read read)
                || CredentialValidity.check(
                                read.facts().issuedAt(),
                                read.facts().expiresAt(),
                                vector.clock(),
                                VerifierPolicy.DEFAULT.clockSkew())
                        .isPresent()) {
            throw new IllegalStateException(vector.name() + " did not verify: " + outcome);
        }
        ForeignEvidence.Mapped record = read.evidence().orElseThrow().healthRecord(RULES.vaccineProducts());
        return engine.decideAtDoor(record.record(), DECIDED_AT).orElseThrow();
    }

    @Benchmark
    public DigitalCovidCertificate digg() throws Exception {
        Vector vector = vectors.get(next++ % vectors.size());
        return vector.digg().decode(vector.text());
    }

    private boolean checkpassAccepts(Vector vector) {
        FormatOutcome outcome = ours.read(vector.text());
        return outcome instanceof FormatOutcome.Read read
                && CredentialValidity.check(
                                read.facts().issuedAt(),
                                read.facts().expiresAt(),
                                vector.clock(),
                                VerifierPolicy.DEFAULT.clockSkew())
                        .isEmpty();
    }

    private static boolean diggAccepts(Vector vector) {
        try {
            return vector.digg().decode(vector.text()) != null;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean es256Signed(String text) {
        try {
            return CoseSign1.decode(Hcert.cose(text), 1024, HcertVerifier.MAX_COSE_BYTES)
                            .algorithmAnywhere()
                    == CoseSign1.ALG_ES256;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static X509Certificate certificate(JsonNode json) {
        return DccSigner.parseCertificate(Base64.getMimeDecoder()
                .decode(json.path("TESTCTX").path("CERTIFICATE").asText()));
    }
}
