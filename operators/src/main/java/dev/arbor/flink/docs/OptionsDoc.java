package dev.arbor.flink.docs;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.ArborOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;

/**
 * The table of the operator's options ({@link ArborOptions}) for {@code docs/options.md}, generated
 * from the options themselves: their keys, types, defaults and descriptions.
 */
@Internal
public final class OptionsDoc {
    private OptionsDoc() {}

    /** Markdown table: key, type, default and description of every {@link ArborOptions} option. */
    public static String arborOptionsTable() {
        MarkdownTable table = new MarkdownTable("Key", "In `arbor` YAML", "Type", "Default", "Description");
        for (ConfigOption<?> option : ArborOptions.all()) {
            table.row(MarkdownTable.code(option.key()), MarkdownTable.code(option.key().substring("arbor.".length())),
                    type(option), defaultValue(option),
                    MarkdownTable.text(new HtmlFormatter().format(option.description())));
        }
        return table.toString();
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
            // The model is the one option an operator cannot run without; the others are off when unset.
            return option.equals(ArborOptions.MODEL_PATH) ? "(required)" : "(none)";
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
