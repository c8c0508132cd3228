package io.checkpass.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.codec.Base45;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue's round trip through an image, through the real CLI: issue → present --png → zbarimg → verify --image.
 * zbarimg (Debian zbar-tools, installed by .ci/run) is a reader we did not write.
 */
class CliRoundTripTest {
    static final Instant ISSUED = Instant.parse("2021-12-13T02:00:00Z");
    static final Instant LUNCH = Instant.parse("2021-12-13T03:00:00Z");

    @TempDir
    static Path dir;

    static Path keys;
    static Path device;
    static Path bundle;

    @BeforeAll
    static void makeKeysAndBundle() {
        keys = dir.resolve("keys");
        device = dir.resolve("device.pem");
        bundle = dir.resolve("bundle.cose");
        CliRun.of(ISSUED, "keys", "new", "--out", keys.toString(), "--valid-from", "2021-01-01")
                .ok();
        CliRun.of(ISSUED, "keys", "device", "--out", device.toString()).ok();
        CliRun.of(ISSUED, "bundle", "build", "--keys", keys.toString(), "--out", bundle.toString())
                .ok();
    }

    static Path issue(String name, String status, boolean deviceBound) {
        Path pass = dir.resolve(name + ".json");
        List<String> args = new ArrayList<>(List.of(
                "pass",
                "issue",
                "--keys",
                keys.toString(),
                "--status",
                status,
                "--from",
                "2021-10-01",
                "--until",
                "2022-06-30",
                "--name",
                "홍길동",
                "--birth-year",
                "1985",
                "--out",
                pass.toString()));
        args.addAll(deviceBound ? List.of("--device-key", device.toString()) : List.of("--static"));
        CliRun.of(ISSUED, args.toArray(String[]::new)).ok();
        return pass;
    }

    /** Verifies at {@code at} against a bundle, pinned to the test's bundle key. */
    static CliRun verify(Path bundleFile, Instant at, String... input) {
        List<String> args = new ArrayList<>(List.of(
                "verify",
                "--bundle",
                bundleFile.toString(),
                "--trust-anchor",
                keys.resolve("bundle.pub.pem").toString(),
                "--at",
                at.toString()));
        args.addAll(List.of(input));
        return CliRun.of(at, args.toArray(String[]::new)).ok();
    }

    static String zbarimg(Path png) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("zbarimg", "--raw", "-q", png.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("zbarimg exit code (is zbar-tools installed? .ci/run installs it)")
                .isZero();
        return text;
    }

    @Test
    void issue_present_as_png_read_by_zbarimg_and_verify_from_the_image_admits() throws Exception {
        Path pass = issue("admit", "vaccinated", true);
        Path png = dir.resolve("admit.png");
        String text = CliRun.of(
                        LUNCH,
                        "pass",
                        "present",
                        "--pass",
                        pass.toString(),
                        "--device-key",
                        device.toString(),
                        "--png",
                        png.toString())
                .ok()
                .out()
                .strip();

        assertThat(text).startsWith("CP1:").hasSizeLessThanOrEqualTo(400);
        assertThat(zbarimg(png)).isEqualTo(text);

        var verdict =
                verify(bundle, LUNCH.plusSeconds(5), "--image", png.toString()).json();
        assertThat(verdict.path("verdict").asText()).isEqualTo("ADMIT");
        assertThat(verdict.path("reason").asText()).isEqualTo("VALID");
        assertThat(verdict.path("maskedName").asText()).isEqualTo("홍*동");
        assertThat(verdict.path("birthYear").asInt()).isEqualTo(1985);
        assertThat(verdict.path("bundleSignerPinned").asBoolean()).isTrue();
    }

    @Test
    void the_same_text_with_any_one_character_changed_is_never_admitted() {
        Path pass = issue("tamper", "vaccinated", true);
        String text = CliRun.of(LUNCH, "pass", "present", "--pass", pass.toString(), "--device-key", device.toString())
                .ok()
                .out()
                .strip();
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
        for (int i = 0; i < text.length(); i++) {
            char replacement = alphabet.charAt((alphabet.indexOf(text.charAt(i)) + 1 + i % 44) % alphabet.length());
            String altered = text.substring(0, i) + replacement + text.substring(i + 1);
            var verdict = verify(bundle, LUNCH, altered).json();
            assertThat(verdict.path("verdict").asText())
                    .as("position %d", i)
                    .isNotIn("ADMIT", "ADMIT_LIMITED", "CHECK_ID");
        }
    }

    @Test
    void a_presentation_90_seconds_old_is_denied_as_stale() {
        Path pass = issue("stale", "vaccinated", true);
        String text = CliRun.of(LUNCH, "pass", "present", "--pass", pass.toString(), "--device-key", device.toString())
                .ok()
                .out()
                .strip();
        var verdict = verify(bundle, LUNCH.plusSeconds(90), text).json();
        assertThat(verdict.path("verdict").asText()).isEqualTo("DENY");
        assertThat(verdict.path("reason").asText()).isEqualTo("STALE_PRESENTATION");
    }

    @Test
    void a_static_pass_gives_check_id() {
        Path pass = issue("static", "vaccinated", false);
        String text = CliRun.of(LUNCH, "pass", "present", "--pass", pass.toString())
                .ok()
                .out()
                .strip();
        var verdict = verify(bundle, LUNCH, text).json();
        assertThat(verdict.path("verdict").asText()).isEqualTo("CHECK_ID");
        assertThat(verdict.path("maskedName").asText()).isEqualTo("홍*동");
    }

    @Test
    void a_serial_in_the_bundles_revocations_is_denied_as_revoked() {
        Path pass = issue("revoked", "vaccinated", true);
        String serial = CliRun.of(
                        ISSUED,
                        "pass",
                        "issue",
                        "--keys",
                        keys.toString(),
                        "--status",
                        "vaccinated",
                        "--from",
                        "2021-10-01",
                        "--name",
                        "홍길동",
                        "--birth-year",
                        "1985",
                        "--device-key",
                        device.toString(),
                        "--out",
                        pass.toString())
                .ok()
                .out()
                .strip();
        Path revoking = dir.resolve("revoking.cose");
        CliRun.of(
                        ISSUED,
                        "bundle",
                        "build",
                        "--keys",
                        keys.toString(),
                        "--revoke",
                        serial,
                        "--out",
                        revoking.toString())
                .ok();
        String text = CliRun.of(LUNCH, "pass", "present", "--pass", pass.toString(), "--device-key", device.toString())
                .ok()
                .out()
                .strip();

        var verdict = verify(revoking, LUNCH, text).json();
        assertThat(verdict.path("verdict").asText()).isEqualTo("DENY");
        assertThat(verdict.path("reason").asText()).isEqualTo("REVOKED");
    }

    @Test
    void a_status_not_accepted_at_the_venue_type_is_denied() {
        Path pass = issue("karaoke", "unvaccinated", true);
        String text = CliRun.of(LUNCH, "pass", "present", "--pass", pass.toString(), "--device-key", device.toString())
                .ok()
                .out()
                .strip();
        String[] args = {
            "verify", "--bundle", bundle.toString(), "--venue-type", "karaoke", "--at", LUNCH.toString(), text
        };
        var verdict = CliRun.of(LUNCH, args).ok().json();
        assertThat(verdict.path("verdict").asText()).isEqualTo("DENY");
        assertThat(verdict.path("reason").asText()).isEqualTo("NOT_ACCEPTED_HERE");
        assertThat(verdict.path("bundleSignerPinned").asBoolean()).isFalse();
    }

    @Test
    void the_presentation_bytes_are_base45_of_cbor() {
        Path pass = issue("bytes", "tested", true);
        String text = CliRun.of(LUNCH, "pass", "present", "--pass", pass.toString(), "--device-key", device.toString())
                .ok()
                .out()
                .strip();
        byte[] bytes = Base45.decode(text.substring(4));
        assertThat(bytes[0] & 0xff).as("CBOR array of 3").isEqualTo(0x83);
        assertThat(Files.exists(pass)).isTrue();
    }
}
