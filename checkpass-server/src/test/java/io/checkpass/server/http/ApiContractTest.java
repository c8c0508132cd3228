package io.checkpass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.server.support.ApiContract;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/api.yaml itself: it lints clean, and the validator that TestCentre runs on every response the HTTP tests
 * receive does fail on responses that depart from it (so a green run means something).
 */
class ApiContractTest {
    static final ApiContract CONTRACT = ApiContract.centre();

    @Test
    void the_description_lints_clean() {
        assertThat(CONTRACT.lint()).as("problems in " + ApiContract.FILE).isEmpty();
    }

    @Test
    void lint_reports_a_broken_description() {
        String broken = """
                openapi: 3.1.0
                info: {title: broken, version: "1"}
                security: [{basic: []}]
                components:
                  securitySchemes: {basic: {type: http, scheme: basic}}
                paths:
                  /things/{id}:
                    get:
                      operationId: getThing
                      responses:
                        "200":
                          content:
                            application/json:
                              schema: {type: object, properties: {flag: {type: boolean, description: True when a, b and c hold.}}}
                        "404": {$ref: '#/components/responses/Nowhere'}
                  /others:
                    get:
                      operationId: getThing
                      security: []
                      responses:
                        "200": {description: ok, content: {application/json: {}}}
                """;
        List<String> problems = ApiContract.parse("broken.yaml", broken).lint();

        assertThat(problems).anySatisfy(p -> assertThat(p).contains("Nowhere")); // unresolved $ref
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("GET /things/{id} 200: no description"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("operationId getThing is also that of"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).contains("path parameters declared [] but the path has [id]"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("needs credentials but declares no 401"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("unknown schema keyword 'b and c hold.'"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("GET /others 200 application/json: no schema"));
    }

    @Test
    void a_conforming_response_passes() {
        String credential = """
                {"format":"checkpass-credential/1","credential":"AAAA","serial":"0123456789abcdef01234567","status":"vaccinated",
                 "statusValidFrom":"2021-12-13T00:00:00Z","deviceBound":true,"issuedAt":"2021-12-13T03:00:00Z",
                 "expiresAt":"2021-12-14T03:00:00Z"}""";
        assertThat(violations("POST", "/api/v1/passes", 201, "application/json", credential))
                .isEmpty();
        assertThat(violations("GET", "/scanner/app.js", 200, "text/javascript", "export {}"))
                .as("a page's file")
                .isEmpty();
    }

    @Test
    void a_field_of_the_wrong_type_is_reported() {
        String credential = """
                {"format":"checkpass-credential/1","credential":"AAAA","serial":"0123456789abcdef01234567","status":"vaccinated",
                 "statusValidFrom":"2021-12-13T00:00:00Z","deviceBound":"yes","issuedAt":"2021-12-13T03:00:00Z",
                 "expiresAt":"2021-12-14T03:00:00Z"}""";
        assertThat(violations("POST", "/api/v1/passes", 201, "application/json", credential))
                .singleElement()
                .asString()
                .contains("deviceBound")
                .contains("boolean");
    }

    @Test
    void a_missing_required_field_a_bad_format_and_an_undescribed_field_are_reported() {
        String credential = """
                {"format":"checkpass-credential/1","credential":"AAAA","serial":"0123456789abcdef01234567","status":"vaccinated",
                 "statusValidFrom":"not a time","deviceBound":true,"issuedAt":"2021-12-13T03:00:00Z","secretField":1}""";
        assertThat(violations("POST", "/api/v1/passes", 201, "application/json", credential))
                .anySatisfy(v -> assertThat(v).contains("expiresAt"))
                .anySatisfy(v -> assertThat(v).contains("statusValidFrom"))
                .anySatisfy(v -> assertThat(v).contains("secretField"));
    }

    @Test
    void an_undeclared_status_is_reported() {
        assertThat(violations("POST", "/api/v1/passes", 418, "application/problem+json", problem(418)))
                .singleElement()
                .asString()
                .contains("status 418 is not declared for POST /api/v1/passes");
    }

    @Test
    void an_error_that_is_not_a_problem_is_reported() {
        assertThat(violations("POST", "/api/v1/passes", 400, "text/plain", "bad"))
                .singleElement()
                .asString()
                .contains("Content-Type text/plain is not declared for 400");
        assertThat(violations("POST", "/api/v1/passes", 400, "application/problem+json", "{\"title\":\"bad\"}"))
                .anySatisfy(v -> assertThat(v).contains("type"));
    }

    @Test
    void an_undescribed_path_or_method_is_reported() {
        assertThat(violations("GET", "/api/v1/nothing-here", 404, "application/problem+json", problem(404)))
                .singleElement()
                .asString()
                .contains("no path of docs/api.yaml matches /api/v1/nothing-here");
        assertThat(violations("DELETE", "/api/v1/passes", 404, "application/problem+json", problem(404)))
                .singleElement()
                .asString()
                .contains("not DELETE");
    }

    @Test
    void a_body_where_none_is_declared_or_none_where_one_is_is_reported() {
        assertThat(violations("GET", "/api/v1/trust-bundle", 304, "text/plain", "changed"))
                .singleElement()
                .asString()
                .contains("declares no content");
        assertThat(violations("POST", "/api/v1/passes", 201, "application/json", ""))
                .singleElement()
                .asString()
                .contains("the body is empty");
    }

    static String problem(int status) {
        return "{\"type\":\"https://checkpass.kr/problems/x\",\"title\":\"X\",\"status\":" + status
                + ",\"detail\":\"x\",\"instance\":\"/x\"}";
    }

    static List<String> violations(String method, String path, int status, String contentType, String body) {
        HttpHeaders headers = HttpHeaders.of(Map.of("Content-Type", List.of(contentType)), (a, b) -> true);
        return CONTRACT.violations(
                method,
                URI.create("http://127.0.0.1:8080" + path),
                status,
                headers,
                body.getBytes(StandardCharsets.UTF_8));
    }
}
