package io.checkpass.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad arguments, missing files and corrupt keys: one clear line on stderr, a non-zero exit, no stack trace. */
class CliErrorsTest {
    static final Instant NOW = Instant.parse("2021-12-13T03:00:00Z");

    @TempDir
    Path dir;

    private static void assertOneClearLine(CliRun run, String expected) {
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
        assertThat(run.err()).contains(expected).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void an_unknown_status_names_the_accepted_values() {
        var run = CliRun.of(
                NOW,
                "pass",
                "issue",
                "--keys",
                dir.toString(),
                "--status",
                "boosted",
                "--from",
                "2021-10-01",
                "--name",
                "x",
                "--birth-year",
                "1990",
                "--static",
                "--out",
                "x.json");
        assertOneClearLine(run, "use one of unvaccinated, vaccinated");
        assertThat(run.exitCode()).isEqualTo(2);
    }

    @Test
    void a_missing_required_option_is_named() {
        assertOneClearLine(CliRun.of(NOW, "verify", "CP1:XYZ"), "--bundle");
    }

    @Test
    void an_unparseable_instant_shows_the_accepted_forms() {
        assertOneClearLine(
                CliRun.of(NOW, "verify", "--bundle", "b", "--at", "noon", "CP1:X"), "2021-12-13T12:00:00+09:00");
    }

    @Test
    void a_missing_key_directory_says_how_to_make_one() {
        var run = CliRun.of(
                NOW,
                "bundle",
                "build",
                "--keys",
                dir.resolve("none").toString(),
                "--out",
                dir.resolve("b").toString());
        assertOneClearLine(run, "checkpass keys new");
    }

    @Test
    void a_corrupt_keystore_is_reported_by_name() throws Exception {
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Files.write(keys.resolve("keys.p12"), new byte[] {1, 2, 3, 4});
        Files.writeString(keys.resolve("keystore.password"), "secret");
        var run = CliRun.of(
                NOW,
                "bundle",
                "build",
                "--keys",
                keys.toString(),
                "--out",
                dir.resolve("b").toString());
        assertOneClearLine(run, "keys.p12");
    }

    @Test
    void a_missing_bundle_file_is_reported_by_name() {
        assertOneClearLine(
                CliRun.of(NOW, "verify", "--bundle", dir.resolve("nope.cose").toString(), "CP1:X"), "nope.cose");
    }

    @Test
    void a_corrupt_bundle_is_refused() throws Exception {
        Path bundle = Files.write(dir.resolve("bad.cose"), new byte[] {(byte) 0x84, 1, 2});
        assertOneClearLine(CliRun.of(NOW, "verify", "--bundle", bundle.toString(), "CP1:X"), "refused");
    }

    @Test
    void an_image_without_a_qr_code_is_reported() throws Exception {
        CliRun.of(NOW, "keys", "new", "--out", dir.resolve("k").toString(), "--valid-from", "2021-01-01")
                .ok();
        CliRun.of(
                        NOW,
                        "bundle",
                        "build",
                        "--keys",
                        dir.resolve("k").toString(),
                        "--out",
                        dir.resolve("b.cose").toString())
                .ok();
        Path png = dir.resolve("blank.png");
        ImageIO.write(new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        assertOneClearLine(
                CliRun.of(NOW, "verify", "--bundle", dir.resolve("b.cose").toString(), "--image", png.toString()),
                "no QR code");
    }

    @Test
    void presenting_a_device_bound_pass_without_the_device_key_is_refused() {
        Path k = dir.resolve("k");
        CliRun.of(NOW, "keys", "new", "--out", k.toString(), "--valid-from", "2021-01-01")
                .ok();
        CliRun.of(NOW, "keys", "device", "--out", dir.resolve("d.pem").toString())
                .ok();
        CliRun.of(
                        NOW,
                        "pass",
                        "issue",
                        "--keys",
                        k.toString(),
                        "--status",
                        "tested",
                        "--from",
                        "2021-12-12",
                        "--name",
                        "김철수",
                        "--birth-year",
                        "1990",
                        "--device-key",
                        dir.resolve("d.pem").toString(),
                        "--out",
                        dir.resolve("p.json").toString())
                .ok();
        assertOneClearLine(
                CliRun.of(
                        NOW, "pass", "present", "--pass", dir.resolve("p.json").toString()),
                "--device-key");
    }

    @Test
    void keys_are_never_overwritten() {
        CliRun.of(NOW, "keys", "new", "--out", dir.toString(), "--valid-from", "2021-01-01")
                .ok();
        assertOneClearLine(CliRun.of(NOW, "keys", "new", "--out", dir.toString()), "never overwritten");
    }
}
