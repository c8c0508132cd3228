package io.checkpass.bench;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.KeyStores;
import io.checkpass.core.crypto.SigningKey;
import io.checkpass.core.pass.IssuedCredential;
import io.checkpass.core.pass.PassIssuer;
import io.checkpass.core.pass.PassRequest;
import io.checkpass.server.keys.Pkcs11Vault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issuance signing with the issuer key in a PKCS#11 token (SoftHSM2 through SunPKCS11) against the same in
 * software (the selected ES256 provider, ACCP here): one raw ES256 signature, and one whole credential.
 *
 * <p>SoftHSM2 reads its configuration from {@code SOFTHSM2_CONF} when the library loads; the benchmark writes that
 * file (a fresh token directory under /tmp) and makes the token, so set the variable to a path it may write:
 * {@code SOFTHSM2_CONF=/tmp/checkpass-bench-softhsm.conf java -jar bench/target/benchmarks.jar HsmSignBenchmark -t 1}
 * (and {@code -t 2}). SoftHSM is a functional stand-in for an HSM, not a performance model of one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class HsmSignBenchmark {
    private static final String PIN = "bench-user-pin";

    @Param({"software", "softhsm"})
    public String key;

    private Es256 es256;
    private SigningKey signingKey;
    private PassIssuer issuer;
    private PassRequest request;
    private Pkcs11Vault vault;
    private Path tokenDir;
    private final byte[] message = new byte[220];

    @Setup
    public void setUp() throws Exception {
        es256 = Es256.select();
        Instant from = Instant.parse("2021-01-01T00:00:00Z");
        Instant until = Instant.parse("2030-01-01T00:00:00Z");
        signingKey = switch (key) {
            case "software" -> KeyStores.generate(es256, "bench issuer", from, until);
            case "softhsm" -> {
                vault = softHsm(es256);
                yield vault.generate("bench-" + UUID.randomUUID(), "bench issuer", from, until);
            }
            default -> throw new IllegalArgumentException("key must be software or softhsm, not " + key);
        };
        issuer = new PassIssuer(signingKey, es256, new SecureRandom());
        request = BenchPasses.request(es256.generateKeyPair());
        new SecureRandom().nextBytes(message);
    }

    private Pkcs11Vault softHsm(Es256 es256) throws IOException, InterruptedException {
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null || conf.isBlank()) {
            throw new IllegalStateException("set SOFTHSM2_CONF to a file this benchmark may write, e.g."
                    + " /tmp/checkpass-bench-softhsm.conf");
        }
        tokenDir = Files.createTempDirectory("checkpass-bench-softhsm");
        Files.writeString(
                Path.of(conf),
                "directories.tokendir = " + tokenDir + "\nobjectstore.backend = file\nlog.level = ERROR\n",
                StandardCharsets.UTF_8);
        Process init = new ProcessBuilder(
                        "softhsm2-util",
                        "--init-token",
                        "--free",
                        "--label",
                        "checkpass-bench",
                        "--so-pin",
                        "bench-so-pin",
                        "--pin",
                        PIN)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (init.waitFor() != 0) {
            throw new IllegalStateException("softhsm2-util --init-token failed (is softhsm2 installed?)");
        }
        return Pkcs11Vault.open(Path.of("/usr/lib/softhsm/libsofthsm2.so"), 0, PIN.toCharArray(), es256);
    }

    @TearDown
    public void tearDown() throws IOException {
        if (vault != null) {
            vault.close();
        }
        if (tokenDir != null) {
            try (var paths = Files.walk(tokenDir)) {
                paths.sorted(java.util.Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    /** One raw ES256 signature over a credential-sized Sig_structure. */
    @Benchmark
    public byte[] sign() {
        return es256.sign(signingKey, message);
    }

    /** One whole credential, as the issuance service makes it: serial, CWT claims, COSE, one signature. */
    @Benchmark
    public IssuedCredential issueCredential() {
        return issuer.issue(request, BenchPasses.LUNCH, Duration.ofHours(48));
    }
}
