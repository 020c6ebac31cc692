package dev.arbor.flink.docs;

import dev.arbor.flink.ArborOptions;
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

    /** The generated tables by the name of their {@code <!-- BEGIN GENERATED: name -->} marker. */
    public static java.util.Map<String, String> tables() {
        return java.util.Map.of("options", arborOptionsTable(), "sql options", SqlDocs.optionsTable(),
                "sql output columns", SqlDocs.outputColumnsTable());
    }

    /**
     * Rewrites every generated table of a Markdown file in place: what lies between
     * {@code <!-- BEGIN GENERATED: name -->} and {@code <!-- END GENERATED: name -->} becomes the
     * current table. ({@code mvn -pl operators -am test -Dtest=DocsTest -Darbor.docs.update=true}.)
     */
    public static void write(java.nio.file.Path doc) throws java.io.IOException {
        String text = java.nio.file.Files.readString(doc);
        for (java.util.Map.Entry<String, String> table : tables().entrySet()) {
            String begin = "<!-- BEGIN GENERATED: " + table.getKey() + " -->\n";
            String end = "<!-- END GENERATED: " + table.getKey() + " -->";
            int from = text.indexOf(begin);
            int to = text.indexOf(end);
            if (from >= 0 && to > from) {
                text = text.substring(0, from + begin.length()) + table.getValue() + text.substring(to);
            }
        }
        java.nio.file.Files.writeString(doc, text);
    }

    /** Prints every generated table, each under the marker it belongs to in docs/flink.md. */
    public static void main(String[] args) {
        tables().forEach((name, table) -> System.out.println("<!-- BEGIN GENERATED: " + name + " -->\n" + table));
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
