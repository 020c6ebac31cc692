package dev.arbor.flink.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.flink.EngineMetricsBinding;
import dev.arbor.flink.sql.OutputColumn;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/flink.md documents what the code does: its generated tables equal what
 * {@link OptionsDoc} generates now (run this test with {@code -Darbor.docs.update=true} to rewrite them), and
 * every metric and output column is named.
 */
class DocsTest {
    private static String doc() throws IOException {
        return Files.readString(Path.of("..", "docs", "flink.md")); // tests run in the module directory
    }

    @Test
    void theGeneratedTablesAreUpToDate() throws IOException {
        if (Boolean.getBoolean("arbor.docs.update")) {
            OptionsDoc.write(Path.of("..", "docs", "flink.md"));
        }
        String doc = doc();
        assertThat(doc).as("options table").contains(OptionsDoc.arborOptionsTable());
        assertThat(doc).as("SQL options table").contains(SqlDocs.optionsTable());
        assertThat(doc).as("SQL output columns table").contains(SqlDocs.outputColumnsTable());
    }

    @Test
    void everyMetricAndOutputColumnIsDocumented() throws Exception {
        String doc = doc();
        for (Field field : EngineMetricsBinding.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                assertThat(doc).contains("`" + field.get(null) + "`");
            }
        }
        for (OutputColumn column : OutputColumn.values()) {
            assertThat(doc).contains("`" + column.columnName() + "`");
        }
    }
}
