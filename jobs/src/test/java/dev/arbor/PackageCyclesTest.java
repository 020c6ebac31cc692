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
 * three modules (generated Avro records included) twice: with ArchUnit, which sees calls, fields and
 * signatures, and with the JDK's jdeps, which also sees the constants javac inlines ({@link
 * PackageGraph}).
 */
class PackageCyclesTest {
    private static final JavaClasses ARBOR = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.arbor");
    /** One class of each module: jdeps reads the class directory (or jar) it was loaded from. */
    private static final Class<?>[] MODULES = {dev.arbor.llama.LlamaContext.class, dev.arbor.flink.TreeSearch.class,
            dev.arbor.cli.ArborCli.class};

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
    void noPackageCyclesAsJdepsSeesThemInlinedConstantsIncluded() {
        PackageGraph graph = PackageGraph.ofModulesOf(MODULES);
        assertThat(graph.packages()).as("jdeps read every module")
                .contains("dev.arbor.llama", "dev.arbor.search", "dev.arbor.flink.records", "dev.arbor.cli");
        assertThat(graph.cycles()).as("package cycles in:%n%s", graph).isEmpty();
    }

    @Test
    void theJdepsGuardFindsACycleThroughAConstantAlone() {
        // What jdeps printed when jobs.run read RecordTags.PREFIX (a constant) and jobs.records used jobs.run.
        PackageGraph graph = PackageGraph.parse("""
                classes -> operators/target/classes
                   dev.arbor.jobs.records       -> dev.arbor.jobs.run          classes
                   dev.arbor.jobs.run           -> dev.arbor.jobs.config       classes
                   dev.arbor.jobs.run           -> dev.arbor.jobs.records      classes
                   dev.arbor.jobs.run           -> java.lang                   java.base
                """);
        assertThat(graph.uses("dev.arbor.jobs.run", "java.lang")).isFalse();
        assertThat(graph.cycles())
                .containsExactly("dev.arbor.jobs.records -> dev.arbor.jobs.run -> dev.arbor.jobs.records");
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
