package io.checkpass.server.notify.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.registry.PersonId;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.server.auth.Role;
import io.checkpass.server.notify.NotificationChannel;
import io.checkpass.server.notify.NotificationChannel.Message;
import io.checkpass.server.notify.NotificationChannel.SendResult;
import io.checkpass.server.support.TestCentre;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Web Push channel against a push service played by a JDK HttpServer: what the centre sends is checked the way a
 * push service and a browser check it — the VAPID JWT's ES256 signature and claims under the key in the header, that
 * key being the one wallets subscribed with, and the body decrypted with the subscription's private key and auth
 * secret ({@link PushReceiver}). The push service's answers map to Accepted, Rejected (and the subscription removed
 * on 404/410) and RetryLater.
 */
class WebPushChannelTest {
    private static final Instant NOW = Instant.parse("2022-01-20T00:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    record Received(String path, Headers headers, byte[] body) {}

    static TestCentre centre;
    static HttpServer pushService;
    static final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    /** The status the push service answers, by the last path segment; 201 otherwise. */
    static final Map<String, Integer> answers = new ConcurrentHashMap<>();

    static String wallet;
    static String applicationServerKey;
    static Path keyDir;

    @BeforeAll
    static void start() throws Exception {
        pushService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pushService.createContext("/push/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            received.add(new Received(path, exchange.getRequestHeaders(), body));
            int status = answers.getOrDefault(path.substring(path.lastIndexOf('/') + 1), 201);
            if (status == 201) {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1/message/" + received.size());
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        pushService.start();
        keyDir = Files.createTempDirectory("checkpass-vapid");
        Path key = keyDir.resolve("vapid.pem");
        applicationServerKey = VapidKeys.generate(key, TestCentre.ES256);
        centre = new TestCentre(
                NOW,
                Map.of(
                        "push.vapid-key", key.toString(),
                        "push.subject", "mailto:push-ops@example.go.kr",
                        "push.endpoint-hosts", "127.0.0.1"));
        wallet = centre.client("wallet-push", Role.WALLET_PROVIDER);
        centre.server
                .centre()
                .registry()
                .upsert(List.<RegistryRecord>of(
                        new PersonRecord("P-PUSH", "김알림", LocalDate.of(1985, 3, 1), Optional.empty())));
    }

    @AfterAll
    static void stop() throws Exception {
        if (centre != null) {
            centre.close();
        }
        pushService.stop(0);
        try (var files = Files.walk(keyDir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    static String endpoint(String name) {
        return "http://127.0.0.1:" + pushService.getAddress().getPort() + "/push/" + name;
    }

    static String subscribe(String endpoint, PushReceiver browser) {
        var response = centre.post("/api/v1/push/subscriptions", wallet, subscriptionJson(endpoint, browser));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return TestCentre.json(response).path("id").asText();
    }

    static String subscriptionJson(String endpoint, PushReceiver browser) {
        return JSON.createObjectNode()
                .put("personId", "P-PUSH")
                .put("language", "ko")
                .set(
                        "subscription",
                        JSON.createObjectNode()
                                .put("endpoint", endpoint)
                                .set(
                                        "keys",
                                        JSON.createObjectNode()
                                                .put("p256dh", B64.encodeToString(browser.publicKey))
                                                .put("auth", B64.encodeToString(browser.authSecret))))
                .toString();
    }

    static NotificationChannel channel() {
        return centre.server.centre().pushChannel().orElseThrow();
    }

    static Message message(String address) {
        return new Message(
                42,
                address,
                "방역패스",
                "접종 유효기간이 7일 남았습니다 (2022년 1월 27일까지).",
                "https://pass.example.go.kr/p/abc",
                Locale.KOREAN);
    }

    @Test
    void the_wallet_gets_the_centres_application_server_key() {
        var response = centre.get("/api/v1/push/application-server-key", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TestCentre.json(response).path("applicationServerKey").asText())
                .isEqualTo(applicationServerKey);
    }

    @Test
    void a_push_carries_a_valid_vapid_jwt_and_a_body_only_the_subscription_opens() throws Exception {
        PushReceiver browser = PushReceiver.fresh();
        String id = subscribe(endpoint("ok-1"), browser);
        assertThat(centre.server.centre().pushSubscriptions().subscriptionIds(new PersonId("P-PUSH")))
                .contains(id);
        received.clear();

        SendResult result = channel().send(message(id));

        assertThat(result).isInstanceOf(SendResult.Accepted.class);
        assertThat(((SendResult.Accepted) result).providerMessageId()).startsWith("http://127.0.0.1/message/");
        Received push = received.poll(10, TimeUnit.SECONDS);
        assertThat(push).isNotNull();
        assertThat(push.path()).isEqualTo("/push/ok-1");
        assertThat(push.headers().getFirst("Content-Encoding")).isEqualTo("aes128gcm");
        assertThat(push.headers().getFirst("TTL")).isEqualTo("86400");
        assertThat(push.headers().getFirst("Urgency")).isEqualTo("normal");

        // RFC 8292 §3: "vapid t=<JWT>, k=<public key>"; the key is the one wallets subscribed with.
        String authorization = push.headers().getFirst("Authorization");
        assertThat(authorization).matches("vapid t=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+, k=[A-Za-z0-9_-]+");
        String jwt = authorization.substring("vapid t=".length(), authorization.indexOf(", k="));
        String k = authorization.substring(authorization.indexOf(", k=") + 4);
        assertThat(k).isEqualTo(applicationServerKey);
        String[] parts = jwt.split("\\.");
        Es256 es256 = TestCentre.ES256;
        assertThat(es256.verify(
                        es256.publicKey(Base64.getUrlDecoder().decode(k)),
                        (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII),
                        Base64.getUrlDecoder().decode(parts[2])))
                .as("the JWT's ES256 signature under k")
                .isTrue();
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.path("alg").asText()).isEqualTo("ES256");
        assertThat(claims.path("aud").asText())
                .isEqualTo("http://127.0.0.1:" + pushService.getAddress().getPort());
        assertThat(claims.path("sub").asText()).isEqualTo("mailto:push-ops@example.go.kr");
        long exp = claims.path("exp").asLong();
        assertThat(exp)
                .as("in the future, at most 24 h ahead (RFC 8292 §2)")
                .isGreaterThan(NOW.getEpochSecond())
                .isLessThanOrEqualTo(NOW.getEpochSecond() + 24 * 3600);

        JsonNode payload = JSON.readTree(browser.decrypt(push.body()));
        assertThat(payload.path("title").asText()).isEqualTo("방역패스");
        assertThat(payload.path("body").asText()).isEqualTo("접종 유효기간이 7일 남았습니다 (2022년 1월 27일까지).");
        assertThat(payload.path("lang").asText()).isEqualTo("ko");
        assertThat(payload.path("link").asText()).isEqualTo("https://pass.example.go.kr/p/abc");
        assertThat(payload.path("id").asLong()).isEqualTo(42);

        PushReceiver stranger = PushReceiver.fresh();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> stranger.decrypt(push.body()))
                .as("another browser's keys open nothing")
                .isInstanceOf(javax.crypto.AEADBadTagException.class);
    }

    @Test
    void a_subscription_the_push_service_says_is_gone_is_removed_and_the_message_rejected() throws Exception {
        for (int status : List.of(404, 410)) {
            answers.put("gone-" + status, status);
            String id = subscribe(endpoint("gone-" + status), PushReceiver.fresh());

            assertThat(channel().send(message(id))).isInstanceOf(SendResult.Rejected.class);

            assertThat(centre.server.centre().pushSubscriptions().find(id))
                    .as("after %d", status)
                    .isEmpty();
            assertThat(centre.server.centre().pushSubscriptions().subscriptionIds(new PersonId("P-PUSH")))
                    .doesNotContain(id);
            assertThat(channel().send(message(id)))
                    .as("a removed subscription is no address any more")
                    .isInstanceOf(SendResult.Rejected.class);
        }
        var audit = centre.get("/api/v1/audit?action=push-unsubscribe", centre.client("auditor-push", Role.AUDITOR));
        assertThat(audit.body()).contains("person:P-PUSH", "answered 410");
    }

    @Test
    void throttling_server_errors_and_a_dead_push_service_are_retried_later_and_the_subscription_kept()
            throws Exception {
        for (int status : List.of(429, 500, 503)) {
            answers.put("busy-" + status, status);
            String id = subscribe(endpoint("busy-" + status), PushReceiver.fresh());
            assertThat(channel().send(message(id))).as("%d", status).isInstanceOf(SendResult.RetryLater.class);
            assertThat(centre.server.centre().pushSubscriptions().find(id)).isPresent();
        }
        answers.put("bad", 400);
        String bad = subscribe(endpoint("bad"), PushReceiver.fresh());
        assertThat(channel().send(message(bad))).isInstanceOf(SendResult.Rejected.class);
        assertThat(centre.server.centre().pushSubscriptions().find(bad))
                .as("a 400 is not the subscription's end")
                .isPresent();

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String dead = subscribe("http://127.0.0.1:" + closedPort + "/push/dead", PushReceiver.fresh());
        assertThat(channel().send(message(dead))).isInstanceOf(SendResult.RetryLater.class);
    }

    @Test
    void subscriptions_are_refused_for_other_hosts_bad_keys_unknown_people_and_without_the_role() throws Exception {
        PushReceiver browser = PushReceiver.fresh();
        for (String endpoint : List.of(
                "https://internal.example/push/x", "http://10.0.0.1/push/x", "ftp://127.0.0.1/push/x", "not a url")) {
            var refused = centre.post("/api/v1/push/subscriptions", wallet, subscriptionJson(endpoint, browser));
            assertThat(refused.statusCode()).as(endpoint).isEqualTo(400);
        }
        String offCurve = subscriptionJson(endpoint("x"), browser)
                .replace(B64.encodeToString(browser.publicKey), B64.encodeToString(new byte[65]));
        assertThat(centre.post("/api/v1/push/subscriptions", wallet, offCurve).statusCode())
                .isEqualTo(400);
        String nobody = subscriptionJson(endpoint("x"), browser).replace("P-PUSH", "P-NOBODY");
        assertThat(centre.post("/api/v1/push/subscriptions", wallet, nobody).statusCode())
                .isEqualTo(404);
        assertThat(centre.post("/api/v1/push/subscriptions", null, subscriptionJson(endpoint("x"), browser))
                        .statusCode())
                .isEqualTo(401);
        String scanner = centre.client("scanner-push", Role.SCANNER);
        assertThat(centre.post("/api/v1/push/subscriptions", scanner, subscriptionJson(endpoint("x"), browser))
                        .statusCode())
                .isEqualTo(403);
        assertThat(channel().send(message("no-such-subscription-00"))).isInstanceOf(SendResult.Rejected.class);
    }

    @Test
    void the_same_browser_subscribing_again_replaces_its_subscription_and_a_provider_can_remove_it() throws Exception {
        String first = subscribe(endpoint("again"), PushReceiver.fresh());
        PushReceiver renewed = PushReceiver.fresh();
        String second = subscribe(endpoint("again"), renewed);
        assertThat(second).isEqualTo(first);
        assertThat(centre.server
                        .centre()
                        .pushSubscriptions()
                        .find(first)
                        .orElseThrow()
                        .p256dh())
                .isEqualTo(renewed.publicKey);

        var removed = centre.send(
                java.net.http.HttpRequest.newBuilder(centre.uri("/api/v1/push/subscriptions/" + first))
                        .DELETE(),
                wallet);
        assertThat(removed.statusCode()).isEqualTo(204);
        assertThat(centre.server.centre().pushSubscriptions().find(first)).isEmpty();
        var again = centre.send(
                java.net.http.HttpRequest.newBuilder(centre.uri("/api/v1/push/subscriptions/" + first))
                        .DELETE(),
                wallet);
        assertThat(again.statusCode()).isEqualTo(404);
    }

    @Test
    void a_body_too_long_for_one_push_record_is_cut_not_dropped() throws Exception {
        var long_ = new Message(7, "x", "방역패스", "가".repeat(3000), null, Locale.KOREAN);
        byte[] payload = WebPushChannel.payload(long_, Locale.KOREAN);
        assertThat(payload.length).isLessThanOrEqualTo(WebPushEncryption.MAX_PLAINTEXT_BYTES);
        assertThat(JSON.readTree(payload).path("body").asText())
                .startsWith("가가가")
                .endsWith("…");
    }
}
