package dev.arbor.flink.docs;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.sql.OutputColumn;
import dev.arbor.flink.sql.SqlOptions;

/**
 * The SQL tables of {@code docs/flink.md}, generated from {@link SqlOptions} and
 * {@link OutputColumn} so that the documentation cannot drift from the code (a test compares them).
 */
@Internal
public final class SqlDocs {
    private SqlDocs() {}

    /** Markdown table of the {@code arbor} model's option keys and the Arbor option each sets. */
    public static String optionsTable() {
        MarkdownTable table = new MarkdownTable("SQL key", "Arbor option", "Per query (CONFIG)");
        for (SqlOptions.Mapping<?> mapping : SqlOptions.mappings()) {
            table.row(MarkdownTable.code(mapping.sql().key()), MarkdownTable.code(mapping.arbor().key()),
                    mapping.perQuery() ? "yes" : "no");
        }
        return table.toString();
    }

    /** Markdown table of the output columns a model may declare. */
    public static String outputColumnsTable() {
        MarkdownTable table = new MarkdownTable("Column", "Type", "Value");
        for (OutputColumn column : OutputColumn.values()) {
            table.row(MarkdownTable.code(column.columnName()), column.sqlType(),
                    MarkdownTable.text(column.description()));
        }
        return table.toString();
    }
}
