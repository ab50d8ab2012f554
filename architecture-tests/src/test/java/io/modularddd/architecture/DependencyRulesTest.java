package io.modularddd.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * DESIGN.md §1: core knows no adapter; adapters never depend on each other nor on cqrs, cache or
 * snapshots; only profiles knows every module. Checked twice: on the compiled classes (ArchUnit) and
 * on the POMs, where even a test-scoped dependency between adapters would show.
 */
class DependencyRulesTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.modularddd");
    }

    @Test
    void the_production_classes_of_the_landed_modules_are_imported() {
        assertThat(classes.containPackage("io.modularddd.core")).isTrue();
        assertThat(classes.containPackage("io.modularddd.testkit")).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Modules.class)
    void a_module_uses_only_the_modules_it_may_depend_on(Modules module) {
        for (Modules other : module.forbidden()) {
            noClasses().that().resideInAPackage(module.packagePattern())
                    .should().dependOnClassesThat().resideInAPackage(other.packagePattern())
                    .because(module.directory + " may depend only on " + module.allowed() + " (DESIGN.md §1)")
                    .allowEmptyShould(true)
                    .check(classes);
        }
    }

    @Test
    void core_depends_only_on_the_jdk_jackson_slf4j_and_micrometer() {
        classes().that().resideInAPackage("io.modularddd.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.modularddd.core..", "java..",
                        "com.fasterxml.jackson..", "org.slf4j..", "io.micrometer..")
                .check(classes);
    }

    @Test
    void only_the_jdbc_module_touches_jdbc_drivers_jooq_and_hikari() {
        noClasses().that().resideOutsideOfPackages("io.modularddd.eventstore.jdbc..", "io.modularddd.profiles..",
                        "io.modularddd.benchmarks..", "io.modularddd.examples..")
                .should().dependOnClassesThat().resideInAnyPackage("org.jooq..", "com.zaxxer.hikari..",
                        "org.mariadb..", "org.postgresql..", "org.h2..", "java.sql..")
                .because("everything JDBC lives in eventstore-jdbc (DESIGN.md §1)")
                .check(classes);
    }

    @Test
    void only_the_redis_module_touches_jedis() {
        noClasses().that().resideOutsideOfPackages("io.modularddd.eventstore.redis..", "io.modularddd.profiles..",
                        "io.modularddd.benchmarks..", "io.modularddd.examples..")
                .should().dependOnClassesThat().resideInAnyPackage("redis.clients..")
                .because("everything Redis lives in eventstore-redis (DESIGN.md §1)")
                .check(classes);
    }

    @Test
    void internal_packages_are_not_used_outside_modular_ddd() {
        // every class imported is modular-ddd's own, so this guards the examples, which play the user
        noClasses().that().resideInAPackage("io.modularddd.examples..")
                .should().dependOnClassesThat().resideInAPackage("..internal..")
                .because("internal packages are not API")
                .check(classes);
    }

    /** The same rules, read from the POMs: any scope counts, except that tests may use the testkit. */
    @Nested
    class Poms {

        private final Path root = findRoot();

        @ParameterizedTest
        @EnumSource(Modules.class)
        void a_module_pom_names_only_allowed_modules(Modules module) throws Exception {
            Path pom = root.resolve(module.directory).resolve("pom.xml");
            if (!Files.exists(pom)) {
                return; // not landed yet
            }
            List<String> declared = ownDependencies(pom);
            for (Modules other : module.forbidden()) {
                assertThat(declared).as("%s/pom.xml must not depend on %s (any scope)", module.directory,
                        other.artifactId()).doesNotContain(other.artifactId());
            }
        }

        @Test
        void every_module_directory_with_a_pom_is_known_to_the_rules() throws IOException {
            List<String> known = Arrays.stream(Modules.values()).map(m -> m.directory).toList();
            List<String> unknown = new ArrayList<>();
            try (Stream<Path> dirs = Files.list(root)) {
                dirs.filter(d -> Files.exists(d.resolve("pom.xml")))
                        .map(d -> d.getFileName().toString())
                        .filter(d -> !known.contains(d) && !List.of("bom", "architecture-tests", "integration-tests")
                                .contains(d))
                        .forEach(unknown::add);
            }
            assertThat(unknown).as("add these modules to Modules with their allowed dependencies").isEmpty();
        }

        private List<String> ownDependencies(Path pom) throws Exception {
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
            NodeList deps = doc.getElementsByTagName("dependency");
            List<String> result = new ArrayList<>();
            for (int i = 0; i < deps.getLength(); i++) {
                Element dep = (Element) deps.item(i);
                String group = dep.getElementsByTagName("groupId").item(0).getTextContent().trim();
                if (group.equals("io.modularddd")) {
                    String artifact = dep.getElementsByTagName("artifactId").item(0).getTextContent().trim();
                    NodeList scope = dep.getElementsByTagName("scope");
                    boolean testScope = scope.getLength() > 0 && scope.item(0).getTextContent().trim().equals("test");
                    // the contract suites are test support: any module may use them in its tests
                    if (!(artifact.equals(Modules.TESTKIT.artifactId()) && testScope)) {
                        result.add(artifact);
                    }
                }
            }
            return result;
        }

        private Path findRoot() {
            Path dir = Path.of("").toAbsolutePath();
            while (dir != null && !Files.exists(dir.resolve("architecture-tests"))) {
                dir = dir.getParent();
            }
            assertThat(dir).as("the project root above " + Path.of("").toAbsolutePath()).isNotNull();
            return dir;
        }
    }
}
