package io.checkpass.server.cli;

import io.checkpass.conformance.qr.QrCodes;
import io.checkpass.core.crypto.Pem;
import io.checkpass.core.foreign.ForeignFormats;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.trust.TrustBundleException;
import io.checkpass.core.trust.TrustBundles;
import io.checkpass.core.verify.PassVerifier;
import io.checkpass.core.verify.VerificationResult;
import io.checkpass.core.verify.VerifierPolicy;
import io.checkpass.server.json.VerificationJson;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Verify a presented pass offline against a trust bundle; prints one JSON line.",
            "Exits 0 whenever a verdict was reached, DENY included."
        },
        footerHeading = CheckpassCli.EXAMPLES,
        footer = {
            "  ./checkpass verify --bundle bundle.cose \\",
            "      --trust-anchor demo-keys/bundle.pub.pem --venue-type restaurant_cafe \\",
            "      --at 2021-12-13T12:00:10+09:00 --image qr.png",
            "  # the QR text itself, as a scanner reads it",
            "  ./checkpass verify --bundle bundle.cose --at 2021-12-13T12:00:10+09:00 \\",
            "      \"$(./checkpass pass present --pass paper.json)\""
        })
final class VerifyCommand implements Callable<Integer> {
    private final CliContext context;

    @Option(
            names = "--bundle",
            required = true,
            paramLabel = "FILE",
            description = "Signed trust bundle from 'checkpass bundle build'.")
    Path bundle;

    @Option(
            names = "--trust-anchor",
            paramLabel = "PEM",
            description =
                    "The bundle key's public PEM (bundle.pub.pem); without it the bundle is checked only against its own certificate.")
    Path trustAnchor;

    @Option(
            names = "--venue-type",
            defaultValue = "restaurant_cafe",
            paramLabel = "TYPE",
            description = "Venue type whose rules apply (default: ${DEFAULT-VALUE}).")
    String venueType;

    @Option(names = "--at", paramLabel = "T", description = "Verification instant (default: now).")
    Instant at;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Parameters(index = "0", paramLabel = "TEXT", description = "The QR text.")
        String text;

        @Option(names = "--image", paramLabel = "FILE", description = "A PNG or JPEG with the QR code.")
        Path image;
    }

    VerifyCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        var es256 = context.es256();
        TrustBundles.Opened opened;
        try {
            Optional<ECPublicKey> anchor = trustAnchor == null
                    ? Optional.empty()
                    : Optional.of(Pem.readPublicKey(readText(trustAnchor, "trust anchor"), es256));
            opened = TrustBundles.open(CliFiles.read(bundle, "bundle"), anchor, es256);
        } catch (TrustBundleException e) {
            throw new CliException("bundle " + bundle + " refused: " + e.getMessage());
        }
        VenueType type = opened.bundle()
                .venueRules()
                .venueType(venueType)
                .orElseThrow(() -> new CliException("unknown --venue-type '" + venueType + "'; the bundle knows "
                        + opened.bundle().venueRules().venueTypes().keySet()));
        String text = input.text != null ? input.text.strip() : readQr(input.image);
        Clock clock = at != null ? Clock.fixed(at, ZoneOffset.UTC) : context.clock();
        VerificationResult result = new PassVerifier(
                        opened.bundle(), es256, clock, VerifierPolicy.DEFAULT, ForeignFormats.all(es256))
                .verify(text, type);
        var json = VerificationJson.toJson(result)
                .put("venueType", type.code())
                .put("at", clock.instant().toString())
                .put("bundleVersion", opened.bundle().version())
                .put("bundleSignerPinned", opened.pinned());
        context.out().println(json);
        return 0;
    }

    private static String readQr(Path image) {
        BufferedImage picture;
        try {
            picture = ImageIO.read(image.toFile());
        } catch (IOException e) {
            throw new CliException("cannot read image " + image + ": " + e.getMessage());
        }
        if (picture == null) {
            throw new CliException(image + " is not a PNG, JPEG, GIF or BMP image");
        }
        return QrCodes.decode(picture).orElseThrow(() -> new CliException("no QR code found in " + image));
    }

    private static String readText(Path file, String what) {
        return new String(CliFiles.read(file, what), StandardCharsets.UTF_8);
    }
}
