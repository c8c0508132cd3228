package io.checkpass.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code checkpass serve --demo} from an empty data directory, as on a fresh clone: embedded PostgreSQL, keys
 * generated, demo registry and clients seeded, and every curl example it prints works as printed.
 */
class ServeDemoTest {
    @TempDir
    Path data;

    @Test
    void serve_demo_prints_curl_examples_that_work_as_printed() throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Thread serving = Thread.ofPlatform()
                .start(() -> CheckpassCli.run(
                        new String[] {
                            "serve",
                            "--demo",
                            "--demo-persons",
                            "300",
                            "--data",
                            data.toString(),
                            "--port",
                            "0",
                            "--host",
                            "127.0.0.1",
                            "--sip-port",
                            "0"
                        },
                        Clock.systemUTC(),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
        try {
            List<String> curls = awaitExamples(out, err);
            assertThat(Files.exists(data.resolve("demo-credentials.json"))).isTrue();
            assertThat(Files.exists(data.resolve("keys/keys.p12"))).isTrue();
            List<String> outputs = new ArrayList<>();
            for (String curl : curls) {
                Process p = new ProcessBuilder("bash", "-c", curl)
                        .directory(data.toFile())
                        .redirectErrorStream(true)
                        .start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(curl + "\n" + output).isZero();
                outputs.add(output);
            }
            assertThat(outputs.get(0)).contains("200").containsIgnoringCase("etag");
            assertThat(outputs.get(1).strip()).isEqualTo("304");
            assertThat(outputs.get(2).strip()).isEqualTo("401");
            assertThat(outputs.get(3)).contains("\"credential\"").contains("\"deviceBound\":false");
            assertThat(outputs.get(4)).contains("\"statusNow\"");
            assertThat(outputs.get(5)).contains("\"revoked\"");
            assertThat(outputs.get(6)).contains("\"accepted\":1").contains("\"rejected\":[]");
            assertThat(outputs.get(7)).contains("0800000001").contains("venue-10");
            assertThat(outputs.get(8)).contains("revoke");
            assertThat(outputs.get(9)).contains("checkpass_http_requests");
            assertThat(outputs.get(10).strip()).as("the scanner page").isEqualTo("200");
            assertThat(outputs.get(11)).contains("openapi");
        } finally {
            serving.interrupt();
            serving.join(30_000);
        }
    }

    private static List<String> awaitExamples(ByteArrayOutputStream out, ByteArrayOutputStream err)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String printed = out.toString(StandardCharsets.UTF_8);
            if (printed.contains("/api/openapi.yaml")) {
                assertThat(printed).containsPattern("checkpass serving at http://127\\.0\\.0\\.1:\\d+");
                return printed.lines().filter(l -> l.startsWith("curl ")).toList();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("serve --demo printed no examples in 120 s; stdout:\n" + out + "\nstderr:\n" + err);
    }
}
