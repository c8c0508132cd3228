package io.checkpass.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.server.auth.Role;
import io.checkpass.server.support.TestCentre;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Behind HAProxy every request comes from the balancer's address. With the balancer in server.trusted-proxies,
 * the failed sign-in throttle counts the client its X-Forwarded-For names, so a guesser is throttled and everyone
 * else is not (docs/adr/0021).
 */
class BehindTheBalancerTest {
    private static TestCentre centre;

    @BeforeAll
    static void start() {
        centre = new TestCentre(Instant.parse("2021-12-13T03:00:00Z"), Map.of("server.trusted-proxies", "127.0.0.1"));
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    @Test
    void a_guesser_behind_the_balancer_is_throttled_and_other_clients_are_not() {
        String auditor = centre.client("balanced-auditor", Role.AUDITOR);
        String wrong = "Basic " + Base64.getEncoder().encodeToString("balanced-auditor:wrong".getBytes());
        for (int i = 0; i < 20; i++) {
            assertThat(send(wrong, "203.0.113.5")).isEqualTo(401);
        }
        assertThat(send(wrong, "203.0.113.5")).as("the guesser").isEqualTo(429);
        // A forged entry before the balancer's own does not help: the balancer appends the real address last.
        assertThat(send(wrong, "198.51.100.1, 203.0.113.5")).isEqualTo(429);

        assertThat(send(centre.basic(auditor), "203.0.113.6"))
                .as("another client")
                .isEqualTo(200);
    }

    private static int send(String authorization, String forwardedFor) {
        return centre.send(
                        HttpRequest.newBuilder(centre.uri("/api/v1/audit"))
                                .header("Authorization", authorization)
                                .header("X-Forwarded-For", forwardedFor)
                                .GET(),
                        null)
                .statusCode();
    }
}
