package io.checkpass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.server.auth.Role;
import io.checkpass.server.support.TestCentre;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operations of docs/api.yaml that no other HTTP test reaches, each called once through {@link TestCentre},
 * which holds every answer to the description: registry lookups, venues and scanners, the foreign trust material,
 * the description itself, health and metrics, and what the centre says to a method the API does not have.
 */
class ApiRoutesContractTest {
    static TestCentre centre;
    static String admin;
    static String monitoring;

    @BeforeAll
    static void start() {
        centre = new TestCentre(Instant.parse("2021-12-13T03:00:00Z"));
        admin = centre.client("admin-contract", Role.ISSUER_ADMIN);
        monitoring = centre.client("monitoring-contract", Role.MONITORING);
        centre.server
                .centre()
                .registry()
                .upsert(List.<RegistryRecord>of(
                        new PersonRecord("P-CONTRACT", "홍길동", LocalDate.of(1985, 3, 1), Optional.of("010-1234-5678")),
                        new ImmunizationRecord("P-CONTRACT", LocalDate.of(2021, 9, 1), VaccineProduct.PFIZER, 1),
                        new ImmunizationRecord("P-CONTRACT", LocalDate.of(2021, 10, 1), VaccineProduct.PFIZER, 2)));
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    @Test
    void a_person_lookup() {
        assertThat(centre.get("/api/v1/persons/P-CONTRACT", admin).statusCode()).isEqualTo(200);
        assertThat(centre.get("/api/v1/persons/NOBODY", admin).statusCode()).isEqualTo(404);
        assertThat(centre.get("/api/v1/persons/P-CONTRACT", null).statusCode()).isEqualTo(401);
    }

    @Test
    void venues_and_scanners() {
        String venue = """
                {"venueId":"contract-cafe","businessNumber":"123-45-67890","name":"계약 카페","address":"서울 종로구","region":"서울",
                 "venueType":"restaurant_cafe","callNumber":"0800001234"}""";
        assertThat(centre.post("/api/v1/venues", admin, venue).statusCode()).isEqualTo(201);
        assertThat(centre.post("/api/v1/venues", admin, venue).statusCode()).isEqualTo(409);
        assertThat(centre.get("/api/v1/venues", admin).statusCode()).isEqualTo(200);
        assertThat(centre.post("/api/v1/venues/contract-cafe/scanners", admin, "{\"scannerId\":\"contract-door\"}")
                        .statusCode())
                .isEqualTo(201);
        assertThat(centre.post("/api/v1/venues/nowhere/scanners", admin, "{\"scannerId\":\"x\"}")
                        .statusCode())
                .isEqualTo(404);
        assertThat(centre.send(
                                HttpRequest.newBuilder(centre.uri("/api/v1/venues"))
                                        .header("Content-Type", "text/plain")
                                        .POST(HttpRequest.BodyPublishers.ofString(venue)),
                                admin)
                        .statusCode())
                .isEqualTo(415);
    }

    @Test
    void the_foreign_trust_material_and_the_fraud_signals() {
        assertThat(centre.get("/api/v1/foreign-trust", admin).statusCode()).isEqualTo(200);
        assertThat(centre.get("/api/v1/fraud-signals", admin).statusCode()).isEqualTo(200);
    }

    @Test
    void the_description_health_and_metrics() {
        assertThat(centre.get("/api/openapi.yaml", null).statusCode()).isEqualTo(200);
        assertThat(centre.get("/health/live", null).statusCode()).isEqualTo(200);
        assertThat(centre.get("/health/ready", null).statusCode()).isEqualTo(200);
        assertThat(centre.get("/metrics", monitoring).statusCode()).isEqualTo(200);
        assertThat(centre.get("/metrics", null).statusCode()).isEqualTo(401);
    }

    @Test
    void a_method_the_api_does_not_have_is_a_problem() {
        var response = centre.sendUndescribed(
                HttpRequest.newBuilder(centre.uri("/api/v1/passes")).DELETE(), admin);
        assertThat(response.statusCode()).isEqualTo(404);
    }
}
