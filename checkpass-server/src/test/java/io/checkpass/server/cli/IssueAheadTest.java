package io.checkpass.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.server.auth.Role;
import io.checkpass.server.support.TestCentre;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Pre-issuance before an enforcement day: on the day, wallets are served from the ledger without signing. */
class IssueAheadTest {
    static final Instant DEC_11 =
            OffsetDateTime.of(2021, 12, 11, 15, 0, 0, 0, ZoneOffset.ofHours(9)).toInstant();
    static final Instant LUNCH_13_DEC =
            OffsetDateTime.of(2021, 12, 13, 12, 0, 0, 0, ZoneOffset.ofHours(9)).toInstant();

    @Test
    void credentials_issued_ahead_are_served_on_the_day_without_a_new_serial() {
        try (TestCentre centre = new TestCentre(DEC_11)) {
            String wallet = centre.client("wallet-ahead", Role.WALLET_PROVIDER);
            centre.server
                    .centre()
                    .registry()
                    .upsert(List.<RegistryRecord>of(
                            new PersonRecord("A1", "박민수", LocalDate.of(1975, 5, 5), Optional.empty()),
                            new ImmunizationRecord("A1", LocalDate.of(2021, 8, 1), VaccineProduct.MODERNA, 1),
                            new ImmunizationRecord("A1", LocalDate.of(2021, 9, 1), VaccineProduct.MODERNA, 2),
                            new PersonRecord("A2", "최지우", LocalDate.of(1980, 2, 2), Optional.empty())));
            KeyPair device = TestCentre.ES256.generateKeyPair();
            String key = Base64.getUrlEncoder().withoutPadding().encodeToString(EcPoints.uncompressed((ECPublicKey)
                    device.getPublic()));
            String body = "{\"personId\":\"A1\",\"devicePublicKey\":\"" + key + "\"}";
            assertThat(centre.post("/api/v1/passes", wallet, body).statusCode()).isEqualTo(201);

            CliRun run = CliRun.onCentre(DEC_11.plusSeconds(60), centre, "issue-ahead", "--date", "2021-12-13")
                    .ok();
            assertThat(run.out())
                    .contains("1 persons eligible")
                    .contains("2 credentials on record")
                    .contains("1 not eligible");

            centre.clock.set(LUNCH_13_DEC);
            var onTheDay = centre.post("/api/v1/passes", wallet, body);
            assertThat(onTheDay.statusCode()).as(onTheDay.body()).isEqualTo(200);
            var credential = TestCentre.json(onTheDay);
            assertThat(credential.path("reused").asBoolean()).isTrue();
            assertThat(Instant.parse(credential.path("expiresAt").asText())).isAfter(LUNCH_13_DEC);
            var paper = centre.post("/api/v1/passes", wallet, "{\"personId\":\"A1\",\"static\":true}");
            assertThat(paper.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_past_day_is_refused() {
        CliRun run = CliRun.of(LUNCH_13_DEC, "issue-ahead", "--date", "2021-12-12", "--data", "/nonexistent");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("in the past");
    }
}
