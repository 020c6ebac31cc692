package dev.arbor.flink.docs;

import dev.arbor.annotation.Internal;

/**
 * A Markdown table for the generated docs, built row by row: a header, its separator, then one
 * line per row. Cells go in as given; {@link #text} escapes prose (pipes, newlines) and
 * {@link #code} quotes a name, so that every generated table is written the same way.
 */
@Internal
public final class MarkdownTable {
    private final StringBuilder table = new StringBuilder();
    private final int columns;

    public MarkdownTable(String... header) {
        this.columns = header.length;
        line(header);
        table.append("|").append("---|".repeat(columns)).append('\n');
    }

    /** Adds a row of exactly as many cells as the header has. */
    public MarkdownTable row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException(cells.length + " cells for " + columns + " columns");
        }
        line(cells);
        return this;
    }

    /** Prose for a cell: pipes escaped, newlines as spaces. */
    public static String text(String prose) {
        return prose.replace("|", "\\|").replace("\n", " ");
    }

    /** A name for a cell, in code quotes. */
    public static String code(Object name) {
        return "`" + name + "`";
    }

    private void line(String[] cells) {
        table.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    @Override
    public String toString() {
        return table.toString();
    }
}
