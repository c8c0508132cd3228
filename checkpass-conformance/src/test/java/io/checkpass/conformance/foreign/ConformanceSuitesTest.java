package io.checkpass.conformance.foreign;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.crypto.Es256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three upstream suites, vendored in testdata/ (see testdata/PROVENANCE.md), through the same runners as
 * {@code checkpass conformance}: every case must agree, apart from the reviewed skip list.
 */
class ConformanceSuitesTest {
    /** Resolved from the module directory, so the test runs on a fresh clone without ../shared. */
    static final Path TESTDATA =
            Path.of(System.getProperty("basedir", ".")).resolve("../testdata").normalize();

    static Es256 es256;

    @BeforeAll
    static void provider() {
        assertThat(TESTDATA.resolve("PROVENANCE.md")).exists();
        es256 = Es256.select();
    }

    @Test
    void every_dcc_case_agrees_apart_from_listed_skips() throws IOException {
        Path suite = TESTDATA.resolve("dcc");
        ConformanceReport report = run(new DccConformance(es256).run(suite, ConformanceSkips.packaged()));
        assertThat(report.lines())
                .as("disagreements")
                .filteredOn(l -> l.startsWith("FAIL"))
                .isEmpty();
        assertThat(report.passed() + report.skipped()).as("cases run").isEqualTo(jsonFiles(suite));
    }

    @Test
    void every_dcc_case_agrees_at_the_door_with_the_refusal_its_flags_allow() throws IOException {
        ConformanceReport report = new DccConformance(es256).run(TESTDATA.resolve("dcc"), ConformanceSkips.packaged());
        assertThat(report.doors()).as("cases judged at the door").hasSize((int) jsonFiles(TESTDATA.resolve("dcc")));
        assertThat(report.doors())
                .filteredOn(d -> !d.agrees())
                .as("door disagreements")
                .isEmpty();
        // Genuine certificates are accepted, and nothing forged, expired or with a forbidden key usage is.
        assertThat(report.doors())
                .filteredOn(ConformanceReport.DoorResult::expectAccept)
                .allMatch(d -> d.accepted());
        assertThat(report.doors())
                .filteredOn(d -> !d.expectAccept())
                .hasSizeGreaterThan(15)
                .noneMatch(ConformanceReport.DoorResult::accepted);
        assertThat(report.lines())
                .contains("door: " + report.doors().size() + " of "
                        + report.doors().size()
                        + " agree (100.0%); "
                        + report.doors().stream().filter(d -> d.accepted()).count() + " accepted, "
                        + report.doors().stream().filter(d -> !d.accepted()).count() + " refused; "
                        + report.doors().stream().filter(d -> d.expectAccept()).count() + " expected to be accepted");
    }

    @Test
    void every_common_dcc_case_agrees_without_any_skip() throws IOException {
        Path suite = TESTDATA.resolve("dcc/common");
        ConformanceReport report = run(new DccConformance(es256).run(suite, ConformanceSkips.none()));
        assertThat(report.lines())
                .as("disagreements")
                .filteredOn(l -> l.startsWith("FAIL"))
                .isEmpty();
        assertThat(report.passed()).as("cases run").isEqualTo(jsonFiles(suite));
    }

    @Test
    void every_nzcp_vector_agrees_at_the_pinned_clock() throws IOException {
        ConformanceReport report =
                run(new NzcpConformance(es256).run(TESTDATA.resolve("nzcp"), ConformanceSkips.packaged()));
        assertThat(report.lines())
                .as("disagreements")
                .filteredOn(l -> l.startsWith("FAIL"))
                .isEmpty();
        assertThat(report.skipped()).isZero();
        assertThat(report.passed()).as("vectors run").isEqualTo(8);
    }

    @Test
    void every_shc_case_agrees_with_the_transcribed_expectations() throws IOException {
        var expectations = ShcConformance.packagedExpectations();
        ConformanceReport report =
                run(new ShcConformance(es256).run(TESTDATA.resolve("shc"), expectations, ConformanceSkips.packaged()));
        assertThat(report.lines())
                .as("disagreements")
                .filteredOn(l -> l.startsWith("FAIL"))
                .isEmpty();
        assertThat(report.skipped()).isZero();
        assertThat(report.passed())
                .as("issuers, cards and key sets checked")
                .isEqualTo(expectations.path("issuers").size()
                        + expectations.path("cases").size()
                        + expectations.path("keys").size());
    }

    /** Prints the report into the test's output file, which surefire keeps next to the result. */
    private static ConformanceReport run(ConformanceReport report) {
        report.lines().forEach(System.out::println);
        return report;
    }

    private static long jsonFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".json")).count();
        }
    }
}
