package dev.arbor.flink.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.flink.ArborOptions;
import dev.arbor.flink.EngineMetricsBinding;
import dev.arbor.search.ErrorCode;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documents say what the code does: their generated sections equal what {@link OperatorDocs}
 * generates now (run this test with {@code -Darbor.docs.update=true} to rewrite them), and no
 * metric, error code or option is left out of the tables.
 */
class DocsTest {
    private static final Path ROOT = Path.of(".."); // tests run in the module directory

    @Test
    void theGeneratedSectionsAreUpToDate() throws IOException {
        if (Boolean.getBoolean("arbor.docs.update")) {
            GeneratedSections.writeDocs(ROOT, OperatorDocs.sections());
        }
        assertThat(GeneratedSections.staleDocs(ROOT, OperatorDocs.sections())).as("stale sections (rerun with -Darbor.docs.update=true)").isEmpty();
    }

    @Test
    void everyMetricHasARow() throws Exception {
        List<String> names = new ArrayList<>();
        for (Field field : EngineMetricsBinding.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && !field.getName().equals("GROUP")) {
                names.add((String) field.get(null));
            }
        }
        assertThat(MetricsDoc.metrics()).extracting(MetricsDoc.Metric::name).containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void everyErrorCodeSaysWhatToDo() {
        assertThat(ErrorsDoc.entries()).containsOnlyKeys(ErrorCode.values());
        ErrorsDoc.entries().values().forEach(entry -> assertThat(entry.whatToDo()).isNotBlank());
    }

    @Test
    void everyOptionHasARow() {
        String table = OptionsDoc.arborOptionsTable();
        for (ConfigOption<?> option : ArborOptions.all()) {
            assertThat(table).contains("| `" + option.key() + "` |");
        }
    }

    @Test
    void aChangedSectionIsStaleAndRewritingFixesIt(@TempDir Path dir) throws IOException {
        Path doc = dir.resolve("doc.md");
        Files.writeString(doc, "intro\n<!-- BEGIN GENERATED: t -->\nold\n<!-- END GENERATED: t -->\nend\n");
        Map<String, String> sections = Map.of("t", "new\n");
        assertThat(GeneratedSections.stale(doc, sections)).containsExactly("t");
        GeneratedSections.write(doc, sections);
        assertThat(GeneratedSections.stale(doc, sections)).isEmpty();
        assertThat(Files.readString(doc)).isEqualTo("intro\n<!-- BEGIN GENERATED: t -->\nnew\n<!-- END GENERATED: t -->\nend\n");
        assertThat(GeneratedSections.stale(doc, Map.of("missing", "x"))).containsExactly("missing");
    }
}
