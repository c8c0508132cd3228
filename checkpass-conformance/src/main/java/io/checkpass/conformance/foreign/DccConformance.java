package io.checkpass.conformance.foreign;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.conformance.foreign.ConformanceReport.CaseResult;
import io.checkpass.conformance.foreign.ConformanceReport.DoorResult;
import io.checkpass.conformance.qr.QrCodes;
import io.checkpass.core.codec.Cbor;
import io.checkpass.core.codec.Json;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.foreign.ForeignTrust;
import io.checkpass.core.foreign.dcc.DccSigner;
import io.checkpass.core.foreign.dcc.Dgc;
import io.checkpass.core.foreign.dcc.Hcert;
import io.checkpass.core.foreign.dcc.HcertCheck;
import io.checkpass.core.foreign.dcc.HcertVerifier;
import io.checkpass.core.verify.CredentialValidity;
import io.checkpass.core.verify.ForeignFormat.FormatOutcome;
import io.checkpass.core.verify.PassWarning;
import io.checkpass.core.verify.Reason;
import io.checkpass.core.verify.VerifierPolicy;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Runs an EU DCC test-data folder laid out like eu-digital-green-certificates/dgc-testdata: every JSON file with
 * {@code EXPECTEDRESULTS} below the folder is a case. Each expectation flag is checked against the layer it names,
 * using the production code for that layer, and with the case's own certificate and pinned clock:
 *
 * <ul>
 *   <li>{@code EXPECTEDPICTUREDECODE}: the PNG in {@code 2DCODE} decodes to {@code PREFIX};
 *   <li>{@code EXPECTEDUNPREFIX}: {@code PREFIX} is {@code HC1:} + {@code BASE45};
 *   <li>{@code EXPECTEDB45DECODE}: {@code BASE45} decodes to {@code COMPRESSED};
 *   <li>{@code EXPECTEDCOMPRESSION}: {@code COMPRESSED} inflates (bounded) to {@code COSE};
 *   <li>{@code EXPECTEDDECODE}: {@code COSE} is a COSE_Sign1 over a CWT whose payload equals {@code CBOR} and {@code JSON};
 *   <li>{@code EXPECTEDVERIFY}: the certificate in {@code TESTCTX.CERTIFICATE}, trusted under its HCERT key id, verifies it;
 *   <li>{@code EXPECTEDSCHEMAVALIDATION}: the lenient reader ({@link Dgc}) finds no deviation from the DCC schema;
 *   <li>{@code EXPECTEDKEYUSAGE}: the certificate's key-usage OIDs allow the payload's type;
 *   <li>{@code EXPECTEDEXPIRATIONCHECK}: at {@code TESTCTX.VALIDATIONCLOCK} the credential is valid as the verifier
 *       judges it (issued-at within the clock skew, not expired) and the certificate covered issued-at;
 *   <li>{@code EXPECTEDVALIDJSON}: the whole chain from {@code PREFIX} decodes to {@code JSON};
 *   <li>{@code EXPECTEDVALIDOBJECT}: {@code JSON} fits the schema; {@code EXPECTEDENCODE}: {@code CBOR} equals {@code JSON}.
 * </ul>
 * A layer whose input field is absent is derived from the next outer field that is present. An absent flag is not
 * tested. Upstream misspellings are read as meant ({@code EXPTECTEDEXPIRED}, nested {@code EXPECTEDRESULTS}); any other
 * unknown flag is a disagreement, since we cannot tell what it expects.
 *
 * <p>Apart from the layers, each case with a certificate is judged at the door: the production reader and the
 * verifier's validity check accept it or refuse it, against what its trust and decoding flags imply (schema flags do
 * not refuse; see {@code DOOR_FLAGS}). A door disagreement fails the case and is reported in the report's door
 * section.
 */
public final class DccConformance {
    public static final String FORMAT = "dcc";
    private static final List<String> FLAGS = List.of(
            "EXPECTEDPICTUREDECODE",
            "EXPECTEDUNPREFIX",
            "EXPECTEDB45DECODE",
            "EXPECTEDCOMPRESSION",
            "EXPECTEDDECODE",
            "EXPECTEDVERIFY",
            "EXPECTEDSCHEMAVALIDATION",
            "EXPECTEDKEYUSAGE",
            "EXPECTEDEXPIRATIONCHECK",
            "EXPECTEDVALIDJSON",
            "EXPECTEDVALIDOBJECT",
            "EXPECTEDENCODE");
    /**
     * The flags that say whether the door should accept the certificate, with the refusals each allows when false.
     * The schema flags (SCHEMAVALIDATION, VALIDOBJECT, VALIDJSON, ENCODE) and the picture are not among them: a
     * genuine certificate that bends the schema is read, and the door reads the text.
     */
    private static final Map<String, Set<Reason>> DOOR_FLAGS = doorFlags();

    private static final int MAX_CASE_BYTES = 4 * 1024 * 1024;

    private static Map<String, Set<Reason>> doorFlags() {
        Map<String, Set<Reason>> flags = new LinkedHashMap<>();
        flags.put("EXPECTEDUNPREFIX", EnumSet.of(Reason.MALFORMED, Reason.UNSUPPORTED_FORMAT));
        flags.put("EXPECTEDB45DECODE", EnumSet.of(Reason.MALFORMED));
        flags.put("EXPECTEDCOMPRESSION", EnumSet.of(Reason.MALFORMED));
        flags.put("EXPECTEDDECODE", EnumSet.of(Reason.MALFORMED));
        flags.put("EXPECTEDVERIFY", EnumSet.of(Reason.BAD_SIGNATURE, Reason.UNKNOWN_KEY, Reason.MALFORMED));
        flags.put("EXPECTEDKEYUSAGE", EnumSet.of(Reason.KEY_NOT_AUTHORIZED));
        // A certificate issued outside its signer's validity is refused as signed by an unknown key.
        flags.put(
                "EXPECTEDEXPIRATIONCHECK",
                EnumSet.of(Reason.CREDENTIAL_EXPIRED, Reason.NOT_YET_VALID, Reason.UNKNOWN_KEY));
        return Map.copyOf(flags);
    }

    private final Es256 es256;
    private final Duration clockSkew;

    public DccConformance(Es256 es256) {
        this.es256 = es256;
        this.clockSkew = VerifierPolicy.DEFAULT.clockSkew();
    }

    /** Runs every case below {@code dir}. */
    public ConformanceReport run(Path dir, ConformanceSkips skips) throws IOException {
        List<CaseResult> results = new ArrayList<>();
        List<DoorResult> doors = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        }
        for (Path file : files) {
            String name = dir.relativize(file).toString().replace('\\', '/');
            JsonNode json;
            try {
                if (Files.size(file) > MAX_CASE_BYTES) {
                    throw new IllegalArgumentException("larger than " + MAX_CASE_BYTES + " bytes");
                }
                json = Json.parse(Files.readAllBytes(file));
            } catch (IllegalArgumentException e) {
                results.add(new ConformanceReport.Failed(name, List.of("not a readable test case: " + e.getMessage())));
                continue;
            }
            if (!json.isObject() || !json.has("EXPECTEDRESULTS")) {
                continue;
            }
            DccCase testCase = new DccCase(file, json);
            List<String> disagreements = testCase.evaluate();
            testCase.door.map(d -> d.named(name)).ifPresent(doors::add);
            Optional<String> skip = skips.reason(FORMAT, name);
            if (skip.isPresent()) {
                results.add(new ConformanceReport.Skipped(name, skip.get(), disagreements.isEmpty()));
            } else {
                results.add(
                        disagreements.isEmpty()
                                ? new ConformanceReport.Passed(name, testCase.untested)
                                : new ConformanceReport.Failed(name, disagreements, testCase.untested));
            }
        }
        return new ConformanceReport(FORMAT, results, doors);
    }

    /** What one layer check observed: true or false, or null when the case lacks the input to test it. */
    private record Observation(Boolean actual, String detail) {
        static Observation of(boolean actual, String detail) {
            return new Observation(actual, detail);
        }

        /** True, unless {@code problem} holds, then false with {@code detail}. */
        static Observation unless(boolean problem, String detail) {
            return new Observation(!problem, problem ? detail : "");
        }

        static Observation untestable(String why) {
            return new Observation(null, why);
        }
    }

    /** One test case, with each layer decoded at most once. */
    private final class DccCase {
        private final Path file;
        private final JsonNode json;
        private final JsonNode context;
        private final List<String> disagreements = new ArrayList<>();
        private final List<String> untested = new ArrayList<>();
        private final Map<String, Object> memo = new LinkedHashMap<>();
        private Optional<DoorResult> door = Optional.empty();

        DccCase(Path file, JsonNode json) {
            this.file = file;
            this.json = json;
            this.context = json.path("TESTCTX");
        }

        List<String> evaluate() {
            Map<String, Boolean> expected = expectations();
            for (Map.Entry<String, Boolean> flag : expected.entrySet()) {
                Observation observed;
                try {
                    observed = observe(flag.getKey());
                } catch (RuntimeException e) {
                    observed = Observation.of(false, "threw " + e);
                }
                if (observed.actual() == null) {
                    untested.add(flag.getKey() + ": " + observed.detail());
                } else if (observed.actual() != flag.getValue()) {
                    disagreements.add(flag.getKey() + " expected " + flag.getValue() + " but was " + observed.actual()
                            + (observed.detail().isEmpty() ? "" : " (" + observed.detail() + ")"));
                }
            }
            door = door(expected);
            door.filter(d -> !d.agrees())
                    .ifPresent(d -> disagreements.add(ConformanceReport.DOOR_DISAGREEMENT + d.describe()));
            return disagreements;
        }

        /** The expectation flags, with upstream's misspellings read as meant. */
        private Map<String, Boolean> expectations() {
            Map<String, Boolean> flags = new LinkedHashMap<>();
            collect(json.path("EXPECTEDRESULTS"), flags);
            return flags;
        }

        private void collect(JsonNode results, Map<String, Boolean> flags) {
            results.properties().forEach(e -> {
                String key = e.getKey();
                JsonNode value = e.getValue();
                if (key.equals("EXPECTEDRESULTS")) {
                    // Some files nest the results object in itself; a nested boolean asserts nothing.
                    if (value.isObject()) {
                        collect(value, flags);
                    }
                } else if (!value.isBoolean()) {
                    disagreements.add("expectation " + key + " is not a boolean");
                } else if (FLAGS.contains(key)) {
                    flags.put(key, value.asBoolean());
                } else if (key.equals("EXPTECTEDEXPIRED")) {
                    // ES's misspelling of EXPECTEDEXPIRATIONCHECK, same polarity: its certificates are valid at their
                    // clocks.
                    flags.putIfAbsent("EXPECTEDEXPIRATIONCHECK", value.asBoolean());
                } else {
                    disagreements.add("unknown expectation " + key + "; cannot tell what it expects");
                }
            });
        }

        private Observation observe(String flag) {
            return switch (flag) {
                case "EXPECTEDPICTUREDECODE" -> pictureDecode();
                case "EXPECTEDUNPREFIX" -> unprefix();
                case "EXPECTEDB45DECODE" -> base45Decode();
                case "EXPECTEDCOMPRESSION" -> compression();
                case "EXPECTEDDECODE" -> decode();
                case "EXPECTEDVERIFY" -> verify();
                case "EXPECTEDSCHEMAVALIDATION" -> schema();
                case "EXPECTEDKEYUSAGE" -> keyUsage();
                case "EXPECTEDEXPIRATIONCHECK" -> expiration();
                case "EXPECTEDVALIDJSON" -> validJson();
                case "EXPECTEDVALIDOBJECT" -> validObject();
                case "EXPECTEDENCODE" -> encode();
                default -> throw new IllegalStateException("no check for " + flag);
            };
        }

        private Observation pictureDecode() {
            Optional<byte[]> png;
            try {
                png = picture();
            } catch (IOException | IllegalArgumentException e) {
                return Observation.of(false, "image unreadable: " + e.getMessage());
            }
            if (png.isEmpty()) {
                return Observation.untestable("the case has no 2DCODE and no image file of its name");
            }
            Optional<String> text;
            try {
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.get()));
                text = image == null ? Optional.empty() : QrCodes.decode(image);
            } catch (IOException | IllegalArgumentException e) {
                return Observation.of(false, "image unreadable: " + e.getMessage());
            }
            if (text.isEmpty()) {
                return Observation.of(false, "no QR code found in the image");
            }
            return Observation.unless(
                    has("PREFIX") && !text.get().equals(field("PREFIX")), "decoded text differs from PREFIX");
        }

        private Observation unprefix() {
            if (!has("PREFIX")) {
                return Observation.untestable("the case has no PREFIX");
            }
            try {
                String body = Hcert.unprefix(field("PREFIX"));
                return Observation.unless(
                        has("BASE45") && !body.equals(field("BASE45")), "text after the prefix differs from BASE45");
            } catch (IllegalArgumentException e) {
                return Observation.of(false, e.getMessage());
            }
        }

        private Observation base45Decode() {
            return decodesTo(base45Text(), Hcert::base45, "COMPRESSED");
        }

        private Observation compression() {
            return decodesTo(compressed(), Hcert::inflate, "COSE");
        }

        /** Whether a layer decodes, and to the case's next inner field when it has one. */
        private <T> Observation decodesTo(Layer<T> input, Function<T, byte[]> decode, String innerField) {
            if (input.value() == null) {
                return Observation.untestable(input.problem());
            }
            try {
                byte[] decoded = decode.apply(input.value());
                return Observation.unless(
                        has(innerField) && !Arrays.equals(decoded, hex(innerField)),
                        "decoded bytes differ from " + innerField);
            } catch (IllegalArgumentException e) {
                return Observation.of(false, e.getMessage());
            }
        }

        private Observation decode() {
            Layer<HcertCheck> check = check();
            if (check.value() == null) {
                return Observation.untestable(check.problem());
            }
            HcertCheck result = check.value();
            if (!result.passed(HcertCheck.Step.COSE) || !result.passed(HcertCheck.Step.CWT)) {
                return Observation.of(
                        false,
                        "COSE/CWT structure: "
                                + result.firstFailure().map(Enum::name).orElse("?"));
            }
            JsonNode hcert = result.hcert().orElseThrow();
            Optional<JsonNode> cbor = cborPayload();
            if (cbor.isPresent() && !SemanticJson.same(hcert, cbor.get())) {
                return Observation.of(false, "payload differs from CBOR");
            }
            if (has("JSON") && !SemanticJson.same(hcert, jsonField())) {
                return Observation.of(false, "payload differs from JSON");
            }
            return Observation.of(true, "");
        }

        private Observation verify() {
            if (certificate().isEmpty()) {
                return Observation.untestable("the case has no readable TESTCTX.CERTIFICATE");
            }
            Layer<HcertCheck> check = check();
            if (check.value() == null) {
                return Observation.of(false, check.problem());
            }
            HcertCheck result = check.value();
            for (HcertCheck.Step step : List.of(HcertCheck.Step.COSE, HcertCheck.Step.SIGNATURE, HcertCheck.Step.CWT)) {
                if (!result.passed(step)) {
                    return Observation.of(
                            false,
                            step + " "
                                    + result.steps()
                                            .getOrDefault(step, Optional.empty())
                                            .map(Enum::name)
                                            .orElse("did not run"));
                }
            }
            return Observation.of(true, "");
        }

        private Observation schema() {
            Optional<JsonNode> payload = payload();
            if (payload.isEmpty()) {
                return Observation.untestable("no payload could be decoded from the case");
            }
            return fitsSchema(payload.get());
        }

        /** Whether a payload fits the DCC schema: the lenient reader reads it without a warning. */
        private Observation fitsSchema(JsonNode payload) {
            try {
                Dgc dgc = Dgc.parse(payload);
                return Observation.unless(
                        !dgc.fitsSchema(),
                        dgc.warnings().stream().map(Object::toString).collect(Collectors.joining("; ")));
            } catch (IllegalArgumentException e) {
                return Observation.of(false, e.getMessage());
            }
        }

        private Observation keyUsage() {
            Optional<X509Certificate> certificate = certificate();
            if (certificate.isEmpty()) {
                return Observation.untestable("the case has no readable TESTCTX.CERTIFICATE");
            }
            Layer<HcertCheck> check = check();
            if (check.value() != null && check.value().ran(HcertCheck.Step.KEY_USAGE)) {
                return Observation.of(
                        check.value().passed(HcertCheck.Step.KEY_USAGE),
                        "the certificate's key usage does not allow this type");
            }
            Optional<JsonNode> payload = payload();
            if (payload.isEmpty()) {
                return Observation.untestable("no payload could be decoded from the case");
            }
            try {
                Dgc dgc = Dgc.parse(payload.get());
                return Observation.unless(
                        !DccSigner.of(certificate.get()).authorizedTypes().containsAll(dgc.types()),
                        "the certificate's key usage does not allow " + dgc.types());
            } catch (IllegalArgumentException e) {
                return Observation.of(false, "payload type unknown: " + e.getMessage());
            }
        }

        private Observation expiration() {
            if (!context.has("VALIDATIONCLOCK")) {
                return Observation.untestable("the case has no TESTCTX.VALIDATIONCLOCK");
            }
            Instant clock;
            try {
                clock = ValidationClock.parse(context.path("VALIDATIONCLOCK").asText());
            } catch (IllegalArgumentException e) {
                return Observation.untestable(e.getMessage());
            }
            Layer<HcertCheck> check = check();
            if (check.value() == null || check.value().issuedAt().isEmpty()) {
                return Observation.of(false, "no issued-at and expiry could be read");
            }
            HcertCheck result = check.value();
            Optional<Reason> invalid = result.validityAt(clock, clockSkew);
            if (invalid.isPresent()) {
                return Observation.of(
                        false,
                        invalid.get() + " at " + clock + " (issued "
                                + result.issuedAt().get() + ", expires "
                                + result.expiresAt().map(Instant::toString).orElse("never") + ")");
            }
            Optional<X509Certificate> certificate = certificate();
            if (certificate.isPresent()
                    && !HcertVerifier.certificateCovers(
                            certificate.get(), result.issuedAt().get())) {
                return Observation.of(
                        false,
                        "the signer certificate was not valid at issued-at "
                                + result.issuedAt().get());
            }
            return Observation.of(true, "");
        }

        private Observation validJson() {
            if (!has("JSON")) {
                return Observation.untestable("the case has no JSON");
            }
            Layer<HcertCheck> check =
                    has("PREFIX") ? memo("prefixCheck", () -> checkOf(() -> Hcert.cose(field("PREFIX")))) : check();
            if (check.value() == null) {
                return Observation.of(false, check.problem());
            }
            Optional<JsonNode> hcert = check.value().hcert();
            if (hcert.isEmpty()) {
                return Observation.of(
                        false,
                        "no payload: "
                                + check.value().firstFailure().map(Enum::name).orElse("?"));
            }
            return Observation.unless(
                    !SemanticJson.same(hcert.get(), jsonField()), "decoded payload differs from JSON");
        }

        private Observation validObject() {
            if (!has("JSON")) {
                return Observation.untestable("the case has no JSON");
            }
            return fitsSchema(jsonField());
        }

        private Observation encode() {
            Optional<JsonNode> cbor = cborPayload();
            if (!has("JSON") || cbor.isEmpty()) {
                return Observation.untestable("the case needs both JSON and a readable CBOR");
            }
            return Observation.unless(!SemanticJson.same(cbor.get(), jsonField()), "CBOR differs from JSON");
        }

        /**
         * The QR image: the case's 2DCODE, else the PNG of the same name (without a "_Raw" suffix) that some member
         * states keep beside the raw files, in {@code 2DCode/png/} or {@code png/} of their folder.
         */
        private Optional<byte[]> picture() throws IOException {
            if (has("2DCODE")) {
                return Optional.of(Base64.getMimeDecoder().decode(field("2DCODE")));
            }
            String base = file.getFileName().toString().replaceFirst("\\.json$", "");
            Path raw = file.getParent();
            List<Path> folders = raw == null || raw.getParent() == null
                    ? List.of()
                    : Stream.of(
                                    raw.getParent().resolve("png"),
                                    raw.getParent().getParent() == null
                                            ? null
                                            : raw.getParent().getParent().resolve("png"))
                            .filter(Objects::nonNull)
                            .toList();
            for (Path folder : folders) {
                for (String name : List.of(base, base.replaceFirst("_Raw$", ""))) {
                    Path png = folder.resolve(name + ".png");
                    if (Files.isRegularFile(png)) {
                        return Optional.of(Files.readAllBytes(png));
                    }
                }
            }
            return Optional.empty();
        }

        /**
         * What the door does with the case: the production reader, with trust material that went through the bundle's
         * JSON form, reads the scanned text (PREFIX, else the text of the QR image, else the innermost layer the case
         * has), and the verifier's validity check applies at the case's clock when the case has an expiration flag.
         * Accepted means genuine and valid; the
         * venue rules then decide admission from the status, which this does not judge. Expected: accepted unless a
         * flag of trust or decoding is false ({@link #DOOR_FLAGS}); schema flags do not refuse.
         */
        private Optional<DoorResult> door(Map<String, Boolean> expected) {
            if (certificate().isEmpty() || expected.isEmpty()) {
                return Optional.empty();
            }
            Set<Reason> allowed = EnumSet.noneOf(Reason.class);
            DOOR_FLAGS.forEach((flag, reasons) -> {
                if (Boolean.FALSE.equals(expected.get(flag))) {
                    allowed.addAll(reasons);
                }
            });
            boolean expectAccept = allowed.isEmpty();
            String name = file.getFileName().toString();
            HcertVerifier verifier = new HcertVerifier(
                    ForeignTrust.fromJson(ForeignTrust.empty()
                                    .withDccSigner(certificate().orElseThrow())
                                    .toJson())
                            .dccSigners(),
                    es256);
            FormatOutcome outcome;
            Optional<String> text = doorText();
            if (text.isPresent()) {
                outcome = verifier.read(text.get());
            } else {
                Layer<byte[]> cose = cose();
                if (cose.value() == null) {
                    outcome = new FormatOutcome.Failed(Reason.MALFORMED);
                } else {
                    outcome = verifier.check(cose.value()).outcome();
                }
            }
            Optional<Reason> refusal;
            List<PassWarning> warnings = List.of();
            if (outcome instanceof FormatOutcome.Read read) {
                warnings = read.facts().warnings();
                // Validity is judged where the case says what to expect of it at its clock; a case without that
                // flag pins a clock for other purposes (ES 1101 sits before its own iat).
                refusal = context.has("VALIDATIONCLOCK") && expected.containsKey("EXPECTEDEXPIRATIONCHECK")
                        ? CredentialValidity.check(
                                read.facts().issuedAt(),
                                read.facts().expiresAt(),
                                ValidationClock.parse(
                                        context.path("VALIDATIONCLOCK").asText()),
                                clockSkew)
                        : Optional.empty();
            } else {
                refusal = Optional.of(((FormatOutcome.Failed) outcome).reason());
            }
            return Optional.of(new DoorResult(name, expectAccept, allowed, refusal, warnings));
        }

        /** The text a scanner would deliver: PREFIX, else what the case's QR image decodes to. */
        private Optional<String> doorText() {
            if (has("PREFIX")) {
                return Optional.of(field("PREFIX"));
            }
            try {
                Optional<byte[]> png = picture();
                if (png.isEmpty()) {
                    return Optional.empty();
                }
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.get()));
                return image == null ? Optional.empty() : QrCodes.decode(image);
            } catch (IOException | IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        // --- layers, derived from the innermost field the case has ---

        /** A decoded layer, or why it could not be had. */
        private record Layer<T>(T value, String problem) {}

        private Layer<String> base45Text() {
            if (has("BASE45")) {
                return new Layer<>(field("BASE45"), null);
            }
            if (!has("PREFIX")) {
                return new Layer<>(null, "the case has neither BASE45 nor PREFIX");
            }
            try {
                return new Layer<>(Hcert.unprefix(field("PREFIX")), null);
            } catch (IllegalArgumentException e) {
                return new Layer<>(null, "PREFIX: " + e.getMessage());
            }
        }

        private Layer<byte[]> compressed() {
            if (has("COMPRESSED")) {
                return new Layer<>(hex("COMPRESSED"), null);
            }
            Layer<String> base45 = base45Text();
            if (base45.value() == null) {
                return new Layer<>(null, base45.problem());
            }
            try {
                return new Layer<>(Hcert.base45(base45.value()), null);
            } catch (IllegalArgumentException e) {
                return new Layer<>(null, "Base45: " + e.getMessage());
            }
        }

        private Layer<byte[]> cose() {
            if (has("COSE")) {
                return new Layer<>(hex("COSE"), null);
            }
            Layer<byte[]> compressed = compressed();
            if (compressed.value() == null) {
                return new Layer<>(null, compressed.problem());
            }
            try {
                return new Layer<>(Hcert.inflate(compressed.value()), null);
            } catch (IllegalArgumentException e) {
                return new Layer<>(null, "zlib: " + e.getMessage());
            }
        }

        private Layer<HcertCheck> check() {
            return memo("check", () -> {
                Layer<byte[]> cose = cose();
                return cose.value() == null ? new Layer<HcertCheck>(null, cose.problem()) : checkOf(cose::value);
            });
        }

        private Layer<HcertCheck> checkOf(Supplier<byte[]> cose) {
            try {
                return new Layer<>(verifier().check(cose.get()), null);
            } catch (IllegalArgumentException e) {
                return new Layer<>(null, e.getMessage());
            }
        }

        /** A verifier trusting exactly the case's certificate, under the key id the HCERT spec derives. */
        private HcertVerifier verifier() {
            return memo(
                    "verifier",
                    () -> new HcertVerifier(
                            certificate().map(c -> List.of(DccSigner.of(c))).orElse(List.of()), es256));
        }

        /** The DCC payload: from the COSE layer if it decodes, else from the CBOR field. */
        private Optional<JsonNode> payload() {
            Layer<HcertCheck> check = check();
            if (check.value() != null && check.value().hcert().isPresent()) {
                return check.value().hcert();
            }
            return cborPayload();
        }

        /** The CBOR field at the level of the DCC payload (some cases give the whole CWT claims map). */
        private Optional<JsonNode> cborPayload() {
            return memo("cbor", () -> {
                if (!has("CBOR")) {
                    return Optional.<JsonNode>empty();
                }
                try {
                    JsonNode cbor = Cbor.MAPPER.readTree(hex("CBOR"));
                    JsonNode hcert = cbor == null ? null : cbor.path("-260").get("1");
                    return Optional.ofNullable(hcert != null ? hcert : cbor);
                } catch (IOException | IllegalArgumentException e) {
                    return Optional.<JsonNode>empty();
                }
            });
        }

        private Optional<X509Certificate> certificate() {
            return memo("certificate", () -> {
                String encoded = context.path("CERTIFICATE").asText("");
                if (encoded.isBlank()) {
                    return Optional.<X509Certificate>empty();
                }
                try {
                    return Optional.of(
                            DccSigner.parseCertificate(Base64.getMimeDecoder().decode(encoded)));
                } catch (IllegalArgumentException e) {
                    return Optional.<X509Certificate>empty();
                }
            });
        }

        private JsonNode jsonField() {
            JsonNode value = json.get("JSON");
            return value.isTextual() ? Json.parse(value.asText()) : value;
        }

        private boolean has(String field) {
            JsonNode value = json.get(field);
            return value != null
                    && !value.isNull()
                    && !(value.isTextual() && value.asText().isEmpty());
        }

        private String field(String field) {
            return json.get(field).asText();
        }

        private byte[] hex(String field) {
            return HexFormat.of().parseHex(field(field).strip());
        }

        @SuppressWarnings("unchecked")
        private <T> T memo(String key, Supplier<T> compute) {
            if (!memo.containsKey(key)) {
                memo.put(key, compute.get());
            }
            return (T) memo.get(key);
        }
    }
}
