package io.checkpass.server.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.server.support.TestCentre;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The registry revision that lets the issuer serve a credential again without reading the record (ADR 13): any later
 * change to a person's record gives a new revision; an unchanged re-import gives none.
 */
class RegistryRevisionTest {
    static final Instant NOW = Instant.parse("2022-01-20T01:00:00Z");

    @Test
    void every_later_change_bumps_the_revision_and_an_unchanged_upsert_does_not() throws Exception {
        try (TestCentre centre = new TestCentre(NOW)) {
            Registry registry = centre.server.centre().registry();
            List<RegistryRecord> record = List.of(
                    new PersonRecord("REV-1", "김철수", LocalDate.of(1980, 1, 1), Optional.empty()),
                    new ImmunizationRecord("REV-1", LocalDate.of(2021, 7, 1), VaccineProduct.PFIZER, 1));
            registry.upsert(record);
            long first = revision(centre, "REV-1");

            registry.upsert(record);
            assertThat(revision(centre, "REV-1")).as("an unchanged re-import").isEqualTo(first);

            registry.upsert(
                    List.of(new ImmunizationRecord("REV-1", LocalDate.of(2021, 7, 22), VaccineProduct.PFIZER, 2)));
            long dose = revision(centre, "REV-1");
            assertThat(dose).as("a dose").isNotEqualTo(first);

            registry.upsert(List.of(
                    new TestRecord("REV-1", Instant.parse("2022-01-19T01:00:00Z"), TestRecord.Kind.PCR, false)));
            long test = revision(centre, "REV-1");
            assertThat(test).as("a test result").isNotIn(first, dose);

            registry.upsert(
                    List.of(new PersonRecord("REV-1", "김철수", LocalDate.of(1980, 1, 1), Optional.of("010-1234-5678"))));
            assertThat(revision(centre, "REV-1"))
                    .as("a correction of the person")
                    .isNotIn(first, dose, test);
        }
    }

    private static long revision(TestCentre centre, String personId) throws Exception {
        try (Connection c = centre.server.centre().database().dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("select revision from person where person_id = ?")) {
            s.setString(1, personId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
