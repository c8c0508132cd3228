package io.checkpass.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.server.auth.Role;
import io.checkpass.server.support.TestCentre;
import io.checkpass.server.trust.TrustBundleService;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two centre nodes on one database and one key directory, as a cluster runs them (docs/adr/0021): whatever a node
 * keeps in memory is either the database's (the trust bundle) or signed (sessions), so any node answers any
 * request. The 안심콜 side is {@code sip.CallsAcrossNodesTest}.
 */
class StatelessNodesTest {
    private static TestCentre first;
    private static TestCentre second;

    @BeforeAll
    static void start() {
        first = new TestCentre(Instant.parse("2021-12-13T03:00:00Z"));
        second = first.anotherNode();
    }

    @AfterAll
    static void stop() {
        second.close();
        first.close();
    }

    @Test
    void every_node_serves_the_same_bundle_bytes_under_the_same_etag_once_it_has_looked() {
        first.server.centre().bundles().publish("a revocation on the first node");
        first.clock.advance(Duration.ofSeconds(3)); // past the nodes' re-read interval

        HttpResponse<byte[]> fromFirst = bundle(first);
        HttpResponse<byte[]> fromSecond = bundle(second);

        assertThat(fromSecond.headers().firstValue("ETag"))
                .isEqualTo(fromFirst.headers().firstValue("ETag"));
        assertThat(fromSecond.headers().firstValue("X-Checkpass-Bundle-Version"))
                .isEqualTo(fromFirst.headers().firstValue("X-Checkpass-Bundle-Version"));
        assertThat(fromSecond.body()).isEqualTo(fromFirst.body());
        // A scanner that polls with the ETag it got from one node is told "not modified" by the other.
        HttpResponse<byte[]> conditional = send(
                second,
                HttpRequest.newBuilder(second.uri("/api/v1/trust-bundle"))
                        .header(
                                "If-None-Match",
                                fromFirst.headers().firstValue("ETag").orElseThrow()));
        assertThat(conditional.statusCode()).isEqualTo(304);
    }

    @Test
    void nodes_publishing_at_once_each_publish_a_new_version_and_agree_on_the_newest() throws Exception {
        List<Callable<Long>> publications = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            TestCentre node = i % 2 == 0 ? first : second;
            publications.add(
                    () -> node.server.centre().bundles().publish("race").version());
        }
        Set<Long> versions = new HashSet<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Long> f : pool.invokeAll(publications)) {
                versions.add(f.get());
            }
        }
        assertThat(versions)
                .as("distinct versions, none refused as a duplicate")
                .hasSize(8);

        first.clock.advance(Duration.ofSeconds(3));
        TrustBundleService.Published onFirst = first.server.centre().bundles().current();
        TrustBundleService.Published onSecond = second.server.centre().bundles().current();
        assertThat(onFirst.version())
                .isEqualTo(versions.stream().mapToLong(v -> v).max().orElseThrow());
        assertThat(onSecond.version()).isEqualTo(onFirst.version());
        assertThat(onSecond.etag()).isEqualTo(onFirst.etag());
    }

    @Test
    void a_session_started_on_one_node_is_honoured_by_the_other() {
        String scanner = first.client("cluster-scanner", Role.SCANNER);
        HttpResponse<String> started = first.post("/api/v1/scanner-sessions", scanner, "{}");
        assertThat(started.statusCode()).isEqualTo(201);
        String cookie = started.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];

        HttpResponse<String> ended = second.send(
                HttpRequest.newBuilder(second.uri("/api/v1/scanner-sessions"))
                        .header("Cookie", cookie)
                        .header("X-Requested-With", "checkpass")
                        .DELETE(),
                null);
        assertThat(ended.statusCode()).isEqualTo(204);
    }

    private static HttpResponse<byte[]> bundle(TestCentre node) {
        HttpResponse<byte[]> response = send(node, HttpRequest.newBuilder(node.uri("/api/v1/trust-bundle")));
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }

    private static HttpResponse<byte[]> send(TestCentre node, HttpRequest.Builder request) {
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
