package io.checkpass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.server.auth.Role;
import io.checkpass.server.support.TestCentre;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One route class driven far past its concurrency bound: the excess gets 503 + Retry-After, nothing else fails. */
class LoadSheddingTest {

    @Test
    void the_issuance_route_sheds_excess_requests_with_503_and_retry_after() throws Exception {
        try (TestCentre centre = new TestCentre(
                CentreApiTest.LUNCH_13_DEC,
                // One client sends all 400 at once: lift its own cap so the route class's bound is what is tested.
                Map.of("limits.issuance", "2", "limits.retry-after-seconds", "3", "limits.per-client", "1000"))) {
            String wallet = centre.client("wallet-load", Role.WALLET_PROVIDER);
            List<RegistryRecord> persons = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                persons.add(new PersonRecord("L%04d".formatted(i), "부하시험", LocalDate.of(1980, 1, 1), Optional.empty()));
            }
            centre.server.centre().registry().upsert(persons);

            List<HttpResponse<String>> responses = new ArrayList<>();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<HttpResponse<String>>> futures = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    String body = "{\"personId\":\"L%04d\",\"static\":true}".formatted(i);
                    futures.add(pool.submit(() -> centre.post("/api/v1/passes", wallet, body)));
                }
                for (var f : futures) {
                    responses.add(f.get());
                }
            }
            long shed = responses.stream().filter(r -> r.statusCode() == 503).count();
            long issued = responses.stream().filter(r -> r.statusCode() == 201).count();
            assertThat(responses)
                    .allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isIn(201, 503));
            assertThat(shed).as("requests shed").isPositive();
            assertThat(issued).as("requests served").isPositive();
            assertThat(responses).filteredOn(r -> r.statusCode() == 503).allSatisfy(r -> {
                assertThat(r.headers().firstValue("Retry-After")).contains("3");
                assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
            });
            // The centre recorded itself degraded (docs/compliance.md): the health tick writes the interval within
            // seconds, and the compliance service answers for the time.
            Instant now = centre.clock.instant();
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            var compliance = centre.server.centre().compliance();
            while (compliance
                            .degradedIntervals(now.minusSeconds(1), now.plusSeconds(1))
                            .isEmpty()
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(compliance.degradedIntervals(now.minusSeconds(1), now.plusSeconds(1)))
                    .singleElement()
                    .satisfies(d -> {
                        assertThat(d.cause()).isEqualTo("load-shedding");
                        assertThat(d.detail()).isEqualTo("issuance");
                        assertThat(d.events()).isPositive();
                    });
            assertThat(compliance.centreDegradedDuring(now, now.plusSeconds(1))).isTrue();
        }
    }
}
