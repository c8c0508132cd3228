package io.checkpass.conformance.vectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.conformance.vectors.NativeVectors.Case;
import io.checkpass.conformance.vectors.NativeVectors.Generated;
import io.checkpass.conformance.vectors.NativeVectors.Outcome;
import io.checkpass.conformance.vectors.NativeVectors.Step;
import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.crypto.KeyId;
import io.checkpass.core.crypto.Pem;
import io.checkpass.core.verify.VerifiedPass;
import io.checkpass.core.verify.VerifierPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Writes the vectors for other implementations: the signed bundles, the anchor, {@code cases.json} and a README.
 * {@code cases.json} carries, per step, the intended verdict, reason and condition, and the display data the Java
 * verifier showed (only for results that may show any, docs/pass-format.md §5).
 */
public final class VectorFiles {
    public static final String CASES = "cases.json";
    public static final String ANCHOR = "anchor.pem";
    public static final String FORMAT = "checkpass-vectors/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private VectorFiles() {}

    /** The whole {@code cases.json} document. */
    public static ObjectNode casesJson(Generated generated, List<Outcome> outcomes) {
        ObjectNode root = JSON.createObjectNode()
                .put("format", FORMAT)
                .put(
                        "about",
                        "Conformance vectors of the checkpass verifier (docs/pass-format.md §5, docs/foreign-passes.md), written by 'checkpass vectors'. "
                                + "Each case starts with a fresh replay memory; its steps share it. See README.md.");
        VerifierPolicy policy = VerifierPolicy.DEFAULT;
        root.putObject("policy")
                .put("windowSeconds", policy.presentationWindow().toSeconds())
                .put("skewSeconds", policy.clockSkew().toSeconds());
        root.putObject("anchor")
                .put("file", ANCHOR)
                .put("kid", KeyId.of(generated.anchor()).hex())
                .put("point", HexFormat.of().formatHex(EcPoints.uncompressed(generated.anchor())));
        ArrayNode bundles = root.putArray("bundles");
        generated
                .bundleChecks()
                .forEach(b -> bundles.addObject().put("file", b.bundle()).put("accepted", b.accepted()));
        ArrayNode cases = root.putArray("cases");
        int index = 0;
        for (Case c : generated.cases()) {
            ObjectNode json = cases.addObject()
                    .put("name", c.name())
                    .put("bundle", c.bundle())
                    .put("venueType", c.venueType());
            ArrayNode steps = json.putArray("steps");
            for (Step step : c.steps()) {
                Outcome outcome = outcomes.get(index++);
                ObjectNode s = steps.addObject()
                        .put("text", step.text())
                        .put("at", step.at().toString())
                        .put("verdict", step.expect().verdict().name())
                        .put("reason", step.expect().reason().name());
                step.expect().condition().ifPresent(id -> s.put("condition", id));
                outcome.result().pass().ifPresent(pass -> s.set("display", display(pass)));
            }
        }
        return root;
    }

    private static ObjectNode display(VerifiedPass pass) {
        ObjectNode d = JSON.createObjectNode()
                .put("serial", pass.id())
                .put("status", pass.status().id())
                .put("deviceBound", pass.deviceBound());
        pass.display().ifPresent(h -> d.put("maskedName", h.maskedName()).put("birthYear", h.birthYear()));
        return d;
    }

    /** Writes everything into {@code dir} (created if needed); returns the files written. */
    public static List<Path> write(Generated generated, List<Outcome> outcomes, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> bundle : generated.bundles().entrySet()) {
            Files.write(dir.resolve(bundle.getKey()), bundle.getValue());
        }
        Files.writeString(dir.resolve(ANCHOR), Pem.publicKey(generated.anchor()));
        Files.writeString(
                dir.resolve(CASES),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(casesJson(generated, outcomes)) + "\n");
        Files.writeString(dir.resolve("README.md"), readme(generated));
        return List.of(dir.resolve(CASES), dir.resolve(ANCHOR), dir.resolve("README.md"));
    }

    private static String readme(Generated generated) {
        long steps = generated.cases().stream().mapToLong(c -> c.steps().size()).sum();
        return """
                # checkpass verifier: conformance vectors

                Written by `checkpass vectors`: %d cases, %d presentations, %d bundles. Keys and serials are fresh on
                every run; the set is consistent in itself. docs/pass-format.md is the specification.

                For each entry of `bundles` in `cases.json`: open the file with the bundle key in `anchor.pem` (also
                `anchor.point`, the 65-byte SEC 1 point in hex) as the trust anchor; it must load when `accepted` is
                true and be refused otherwise (wrong signer, altered bytes).

                For each case: start a verifier with the case's bundle and an empty replay memory, window and skew from
                `policy`. For each step, in order, set the verifier's clock to `at` and verify `text` for the venue type
                `venueType`. The result must have the step's `verdict` and `reason`, and the condition id `condition`
                when one is given (none otherwise). `display`, when present, is what the verifier may show (masked name,
                birth year, status, serial); when absent it must show nothing of the pass.

                The cases cover every reason code of §5, each venue-rule set a second before and at the instant it takes
                force, and the size limits: the largest credential (600 bytes) and one over, texts of 1024/1025 and
                8192/8193 characters, Base45 lengths that leave a dangling character, signatures of 63 and 65 bytes.

                The foreign cases (names starting DCC, SHC, NZCP; docs/foreign-passes.md) are passes made by test
                issuers whose trust material the main bundle's `foreign` section carries: EU DCCs (vaccination,
                booster, partial series, tests, recovery, ES256 and PS256, key usage, signer period, tampered, expired,
                unknown key, zip bomb), SMART Health Cards (revoked, wrong issuer, DER signature) and NZ COVID Passes.
                A valid foreign pass is not device-bound, so it comes out CHECK_ID where the venue requires a pass.
                """.formatted(
                        generated.cases().size(), steps, generated.bundles().size());
    }
}
