package dev.arbor.flink;

import dev.arbor.flink.sql.SqlDocs;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;

/**
 * Generates the reference tables of {@code docs/flink.md} from the code ({@link ArborOptions},
 * the SQL keys and output columns), so that the documentation cannot drift from it: a test checks
 * that the document contains exactly these tables. {@link #main} prints them for pasting.
 */
public final class OptionsDoc {
    private OptionsDoc() {}

    /** Prints every generated table, each under the heading it belongs to in docs/flink.md. */
    public static void main(String[] args) {
        System.out.println("<!-- options -->\n" + arborOptionsTable());
        System.out.println("<!-- sql options -->\n" + SqlDocs.optionsTable());
        System.out.println("<!-- sql output columns -->\n" + SqlDocs.outputColumnsTable());
    }

    /** Markdown table: key, type, default and description of every {@link ArborOptions} option. */
    public static String arborOptionsTable() {
        StringBuilder table = new StringBuilder("| Key | Type | Default | Description |\n|---|---|---|---|\n");
        for (ConfigOption<?> option : ArborOptions.all()) {
            table.append("| `").append(option.key()).append("` | ").append(type(option)).append(" | ")
                    .append(defaultValue(option)).append(" | ")
                    .append(escape(new HtmlFormatter().format(option.description()))).append(" |\n");
        }
        return table.toString();
    }

    /** Escapes a table cell's text (pipes, newlines). */
    public static String escape(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static String type(ConfigOption<?> option) {
        Object value = option.hasDefaultValue() ? option.defaultValue() : "";
        if (value instanceof Enum<?> e) {
            return Arrays.stream(e.getDeclaringClass().getEnumConstants()).map(Object::toString)
                    .collect(Collectors.joining(" \\| "));
        }
        if (value instanceof List<?>) {
            return "list of String (`;`-separated)";
        }
        return value.getClass().getSimpleName();
    }

    private static String defaultValue(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return "(required)";
        }
        Object value = option.defaultValue();
        if (value instanceof Duration duration) {
            return duration.toSeconds() % 60 == 0 ? duration.toMinutes() + " min" : duration.toSeconds() + " s";
        }
        if (value instanceof List<?> list) {
            return list.isEmpty() ? "(none)" : list.toString();
        }
        return "`" + value + "`";
    }
}
