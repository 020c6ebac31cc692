package dev.arbor;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * No package of Arbor imports a package that imports it back, directly or through others; the
 * modules layer one way (jobs, then operators, then native). Checked on the compiled classes of all
 * three modules with ArchUnit (generated Avro records included).
 */
class PackageCyclesTest {
    private static final JavaClasses ARBOR = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.arbor");

    @Test
    void thereAreClassesToCheck() {
        assertThat(ARBOR.stream().map(c -> c.getPackageName()).distinct())
                .contains("dev.arbor.llama", "dev.arbor.kv", "dev.arbor.search", "dev.arbor.flink", "dev.arbor.cli",
                        "dev.arbor.jobs.generate", "dev.arbor.jobs.eval", "dev.arbor.jobs.config", "dev.arbor.jobs.io");
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.arbor.(**)").should().beFreeOfCycles().check(ARBOR);
    }

    @Test
    void lowerLayersNeverImportHigherOnes() {
        com.tngtech.archunit.library.Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("native").definedBy("dev.arbor.llama..", "dev.arbor.kv..")
                .layer("search").definedBy("dev.arbor.search..", "dev.arbor.grammar..")
                .layer("flink").definedBy("dev.arbor.flink..")
                .layer("jobs").definedBy("dev.arbor.jobs..", "dev.arbor.cli..")
                .whereLayer("jobs").mayNotBeAccessedByAnyLayer()
                .whereLayer("flink").mayOnlyBeAccessedByLayers("jobs")
                .whereLayer("search").mayOnlyBeAccessedByLayers("flink", "jobs")
                .check(ARBOR);
    }
}
