package dev.arbor.cli;

import dev.arbor.flink.ArborOptions;
import dev.arbor.flink.docs.MarkdownTable;
import dev.arbor.flink.docs.OptionsDoc;
import dev.arbor.jobs.config.ConfigLoader;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.BlockElement;
import org.apache.flink.configuration.description.TextElement;
import org.apache.flink.util.TimeUtils;

/**
 * Every configuration key of the {@code arbor} jobs, from the options themselves: what
 * {@code arbor info --options} prints and what {@code docs/options.md} lists, so the two cannot
 * disagree.
 */
final class OptionsReference {
    /** One key as a user writes it in YAML or {@code --set}, its default and its description. */
    record Row(String key, String defaultValue, String description, boolean operatorOption) {}

    private OptionsReference() {}

    static List<Row> rows() {
        Set<String> operatorKeys = ArborOptions.all().stream().map(ConfigOption::key).collect(Collectors.toSet());
        List<Row> rows = new ArrayList<>();
        for (ConfigOption<?> option : new ConfigLoader().options().values()) {
            rows.add(new Row(ConfigLoader.userKey(option.key()), defaultValue(option), description(option),
                    operatorKeys.contains(option.key())));
        }
        return rows;
    }

    /** The list of {@code arbor info --options}. */
    static void print(PrintStream out) {
        for (Row row : rows()) {
            out.printf("%-28s %-12s %s%n", row.key(), row.defaultValue(), row.description());
        }
        out.printf("%-28s %-12s %s%n", "flink.<key>", "", "Any Flink configuration key, passed through");
    }

    /** Markdown table of the keys of the jobs themselves (the operator's are in {@link OptionsDoc}'s). */
    static String jobOptionsTable() {
        MarkdownTable table = new MarkdownTable("Key", "Default", "Description");
        for (Row row : rows()) {
            if (!row.operatorOption()) {
                table.row(MarkdownTable.code(row.key()), row.defaultValue(), MarkdownTable.text(row.description()));
            }
        }
        return table.toString();
    }

    private static String defaultValue(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return "(none)";
        }
        Object value = option.defaultValue();
        return value instanceof Duration duration ? TimeUtils.formatWithHighestUnit(duration) : String.valueOf(value);
    }

    private static String description(ConfigOption<?> option) {
        StringBuilder text = new StringBuilder();
        for (BlockElement block : option.description().getBlocks()) {
            if (block instanceof TextElement element) {
                text.append(element.getFormat());
            }
        }
        return text.toString();
    }
}
