package io.checkpass.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.server.cli.CheckpassCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code checkpass verify}, in-process, as a door would run it: against the centre's trust bundle, pinned to the
 * centre's trust anchor, both fetched over HTTP into {@code dir}. Returns the verdict's JSON.
 */
public final class VerifyCli {
    private static final ObjectMapper JSON = new ObjectMapper();

    private VerifyCli() {}

    /**
     * @param input the QR text, or {@code "--image", FILE}
     */
    public static JsonNode verify(TestCentre centre, Path dir, Instant at, String venueType, String... input)
            throws IOException, InterruptedException {
        Path bundle = dir.resolve("bundle.cbor");
        Path anchor = dir.resolve("anchor.pem");
        try (HttpClient http = HttpClient.newHttpClient()) {
            Files.write(
                    bundle,
                    http.send(
                                    HttpRequest.newBuilder(centre.uri("/api/v1/trust-bundle"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofByteArray())
                            .body());
        }
        Files.writeString(anchor, centre.get("/api/v1/trust-anchor", null).body());
        List<String> args = new ArrayList<>(List.of(
                "verify",
                "--bundle",
                bundle.toString(),
                "--trust-anchor",
                anchor.toString(),
                "--venue-type",
                venueType,
                "--at",
                at.toString()));
        args.addAll(List.of(input));
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = CheckpassCli.run(
                args.toArray(String[]::new),
                Clock.fixed(at, ZoneOffset.UTC),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return JSON.readTree(out.toString(StandardCharsets.UTF_8));
    }
}
