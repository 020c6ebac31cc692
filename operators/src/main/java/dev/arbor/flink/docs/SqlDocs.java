package dev.arbor.flink.docs;

import dev.arbor.flink.sql.OutputColumn;
import dev.arbor.flink.sql.SqlOptions;

/**
 * The SQL tables of {@code docs/flink.md}, generated from {@link SqlOptions} and
 * {@link OutputColumn} so that the documentation cannot drift from the code (a test compares them).
 */
public final class SqlDocs {
    private SqlDocs() {}

    /** Markdown table of the {@code arbor} model's option keys and the Arbor option each sets. */
    public static String optionsTable() {
        StringBuilder table = new StringBuilder("| SQL key | Arbor option | Per query (CONFIG) |\n|---|---|---|\n");
        for (SqlOptions.Mapping<?> mapping : SqlOptions.mappings()) {
            table.append("| `").append(mapping.sql().key()).append("` | `").append(mapping.arbor().key())
                    .append("` | ").append(mapping.perQuery() ? "yes" : "no").append(" |\n");
        }
        return table.toString();
    }

    /** Markdown table of the output columns a model may declare. */
    public static String outputColumnsTable() {
        StringBuilder table = new StringBuilder("| Column | Type | Value |\n|---|---|---|\n");
        for (OutputColumn column : OutputColumn.values()) {
            table.append("| `").append(column.columnName()).append("` | ").append(column.sqlType()).append(" | ")
                    .append(OptionsDoc.escape(column.description())).append(" |\n");
        }
        return table.toString();
    }
}
