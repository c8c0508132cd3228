package io.checkpass.server.notify.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The push services the centre posts to: the configured hosts over https, plain http only to a listed loopback. */
class PushEndpointsTest {
    private final PushEndpoints endpoints =
            new PushEndpoints(List.of("fcm.googleapis.com", "*.notify.windows.com", "127.0.0.1"));

    private boolean allowed(String endpoint) {
        return endpoints.check(endpoint) instanceof PushEndpoints.Result.Allowed;
    }

    @Test
    void the_listed_push_services_over_https() {
        assertThat(allowed("https://fcm.googleapis.com/fcm/send/abc:def")).isTrue();
        assertThat(allowed("https://wns2-par02p.notify.windows.com/w/?token=x")).isTrue();
        assertThat(allowed("http://127.0.0.1:8123/push/x"))
                .as("the test push service")
                .isTrue();
    }

    @Test
    void nothing_else() {
        for (String endpoint : List.of(
                "http://fcm.googleapis.com/fcm/send/x", // not https
                "https://fcm.googleapis.com.evil.example/x",
                "https://evilnotify.windows.com/x",
                "https://notify.windows.com.evil.example/x",
                "https://user@fcm.googleapis.com/x",
                "https://169.254.169.254/latest/meta-data",
                "http://localhost/push/x", // loopback, but not listed
                "file:///etc/passwd",
                "/relative",
                "",
                "https://fcm.googleapis.com/" + "x".repeat(1100))) {
            assertThat(endpoints.check(endpoint))
                    .as(endpoint.length() > 80 ? endpoint.substring(0, 80) : endpoint)
                    .isInstanceOf(PushEndpoints.Result.Refused.class);
        }
        assertThat(endpoints.check(null)).isInstanceOf(PushEndpoints.Result.Refused.class);
    }
}
