package io.checkpass.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkpass.server.support.SharedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code checkpass serve --tls-cert/--tls-key}: the centre answers on HTTPS with HTTP/2, the pages and the API
 * carry Strict-Transport-Security, and plain HTTP on that port gets no answer.
 */
class ServeTlsTest {
    @TempDir
    Path dir;

    @Test
    void serve_answers_on_https_with_http2_and_hsts() throws Exception {
        Path cert = dir.resolve("chain.pem");
        Path key = dir.resolve("key.pem");
        selfSigned(cert, key);

        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Thread serving = Thread.ofPlatform()
                .start(() -> CheckpassCli.run(
                        new String[] {
                            "serve",
                            "--data",
                            dir.resolve("data").toString(),
                            "--db-url",
                            SharedPostgres.newDatabase(),
                            "--db-user",
                            "postgres",
                            "--port",
                            "0",
                            "--host",
                            "127.0.0.1",
                            "--sip-port",
                            "0",
                            "--tls-cert",
                            cert.toString(),
                            "--tls-key",
                            key.toString()
                        },
                        Clock.systemUTC(),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
        try {
            URI base = awaitBase(out, err);
            assertThat(base.getScheme()).isEqualTo("https");
            HttpClient https = HttpClient.newBuilder()
                    .sslContext(trusting(cert))
                    .version(HttpClient.Version.HTTP_2)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();

            HttpResponse<byte[]> bundle = https.send(
                    HttpRequest.newBuilder(base.resolve("/api/v1/trust-bundle")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(bundle.statusCode()).isEqualTo(200);
            assertThat(bundle.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(bundle.headers().firstValue("strict-transport-security"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("max-age=31536000"));

            HttpResponse<String> page = https.send(
                    HttpRequest.newBuilder(base.resolve("/scanner/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("strict-transport-security")).isPresent();

            HttpResponse<String> http11 = HttpClient.newBuilder()
                    .sslContext(trusting(cert))
                    .version(HttpClient.Version.HTTP_1_1)
                    .build()
                    .send(
                            HttpRequest.newBuilder(base.resolve("/api/v1/trust-anchor"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(http11.statusCode()).isEqualTo(200);
            assertThat(http11.version()).isEqualTo(HttpClient.Version.HTTP_1_1);

            URI plain = URI.create("http://127.0.0.1:" + base.getPort() + "/api/v1/trust-anchor");
            assertThatThrownBy(() -> HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(5))
                            .build()
                            .send(
                                    HttpRequest.newBuilder(plain)
                                            .timeout(Duration.ofSeconds(5))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString()))
                    .as("plain HTTP on the HTTPS port")
                    .isInstanceOf(IOException.class);
        } finally {
            serving.interrupt();
            serving.join(30_000);
        }
    }

    @Test
    void a_certificate_without_its_key_is_refused_naming_both_keys() {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int exit = CheckpassCli.run(
                new String[] {
                    "serve",
                    "--data",
                    dir.toString(),
                    "--tls-cert",
                    dir.resolve("chain.pem").toString()
                },
                Clock.systemUTC(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("server.tls-cert and server.tls-key go together");
    }

    /** A P-256 certificate for 127.0.0.1 and localhost, by the openssl command an operator would use. */
    private static void selfSigned(Path cert, Path key) throws IOException, InterruptedException {
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "ec",
                        "-pkeyopt",
                        "ec_paramgen_curve:P-256",
                        "-nodes",
                        "-days",
                        "2",
                        "-subj",
                        "/CN=localhost",
                        "-addext",
                        "subjectAltName=DNS:localhost,IP:127.0.0.1",
                        "-keyout",
                        key.toString(),
                        "-out",
                        cert.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as(output).isZero();
    }

    private static SSLContext trusting(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry(
                    "centre", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static URI awaitBase(ByteArrayOutputStream out, ByteArrayOutputStream err) throws InterruptedException {
        Pattern serving = Pattern.compile("checkpass serving at (\\S+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            Matcher m = serving.matcher(out.toString(StandardCharsets.UTF_8));
            if (m.find()) {
                return URI.create(m.group(1));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("serve printed no address in 120 s; stdout:\n" + out + "\nstderr:\n" + err);
    }
}
