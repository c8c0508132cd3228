package io.checkpass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.server.auth.Role;
import io.checkpass.server.support.TestCentre;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What an attacker on the network can send the centre's HTTP edge, against a real server: it stays bounded and live. */
class HostileTrafficTest {
    static TestCentre centre;
    static String monitoring;

    @BeforeAll
    static void start() {
        centre = new TestCentre(Instant.parse("2021-12-13T03:00:00Z"));
        monitoring = centre.client("monitoring-hostile", Role.MONITORING);
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    @Test
    void made_up_http_methods_do_not_grow_the_metrics() throws IOException {
        for (int i = 0; i < 200; i++) {
            rawRequest("MADEUP" + i + " /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        }
        String metrics = centre.get("/metrics", monitoring).body();
        assertThat(metrics).doesNotContain("MADEUP");
        assertThat(metrics).contains("method=\"other\"");
    }

    /** Sends bytes as they are, past any client library that would refuse them; returns the status line. */
    static String rawRequest(String request) throws IOException {
        try (Socket socket =
                new Socket(centre.uri("/").getHost(), centre.uri("/").getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            return new String(head, StandardCharsets.ISO_8859_1);
        }
    }
}
