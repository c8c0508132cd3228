package io.checkpass.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which code may depend on which (docs/architecture.md): the core knows no framework, no JDBC, no HTTP and nothing
 * of the server; services know no HTTP, which only the routes ({@code http}) and the composition root see.
 */
class ArchitectureTest {
    static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        // The other modules arrive as target/classes in an IDE or a module build, and as jars in a reactor build's
        // verify: take both, but no test classes (directories or test-jars).
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("io.checkpass");
    }

    @Test
    void the_core_depends_on_no_framework_no_jdbc_no_http_and_nothing_of_the_adapters() {
        noClasses()
                .that()
                .resideInAPackage("io.checkpass.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.checkpass.server..",
                        "io.checkpass.conformance..",
                        "io.checkpass.bench..",
                        "io.helidon..",
                        "java.sql..",
                        "javax.sql..",
                        "picocli..",
                        "com.zaxxer..",
                        "org.flywaydb..",
                        "org.postgresql..",
                        "ca.uhn.fhir..",
                        "org.jsmpp..")
                .because("the core is the pass and the door: adapters depend on it, never the reverse")
                .check(main);
    }

    @Test
    void only_the_routes_and_the_composition_root_know_http() {
        noClasses()
                .that()
                .resideInAPackage("io.checkpass.server..")
                .and()
                .resideOutsideOfPackages("io.checkpass.server.http..")
                .and()
                .doNotHaveFullyQualifiedName(CheckpassServer.class.getName())
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.checkpass.server.http..", "io.helidon..")
                .because(
                        "services return domain outcomes (io.checkpass.server.refusal); the HTTP layer maps them to status codes")
                .check(main);
    }

    @Test
    void services_know_nothing_of_the_command_line() {
        noClasses()
                .that()
                .resideInAPackage("io.checkpass.server..")
                .and()
                .resideOutsideOfPackages("io.checkpass.server.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.checkpass.server.cli..", "picocli..")
                .check(main);
    }
}
