package dev.arbor.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.Test;

/**
 * Defaults have one source: the options in the code (which take them from the engine's builders).
 * The shipped job files must agree with it: a job file may set a key to another value only with a
 * comment saying so ({@code # default: 64, ...}). (The reference, docs/options.md, is generated
 * from the options themselves.)
 */
class DefaultsConsistencyTest {
    private static final Pattern SECTION = Pattern.compile("^([\\w-]+):\\s*(#.*)?$");
    private static final Pattern ENTRY = Pattern.compile("^\\s+([\\w.-]+):\\s*([^#]*?)\\s*(#.*)?$");

    private final Map<String, ConfigOption<?>> options = new ConfigLoader().options();

    private ConfigOption<?> option(String userKey) {
        return options.get(userKey.startsWith("arbor.") ? userKey : "arbor." + userKey);
    }

    @Test
    void jobFilesSetOtherValuesThanTheDefaultsOnlySayingSo() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String name : List.of("generate.yaml", "eval.yaml")) {
            String section = null;
            List<String> lines = Files.readAllLines(Path.of("..", "conf", name));
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                Matcher top = SECTION.matcher(line);
                Matcher entry = ENTRY.matcher(line);
                if (top.matches()) {
                    section = top.group(1);
                } else if (section != null && !line.trim().startsWith("#") && entry.matches()) {
                    ConfigOption<?> option = option(section + "." + entry.group(1));
                    String value = entry.group(2);
                    if (option == null || value.isEmpty() || !option.hasDefaultValue()) {
                        continue;
                    }
                    String comment = entry.group(3) == null ? "" : entry.group(3);
                    if (!sameValue(option, value) && !comment.contains("default: " + shown(option))) {
                        problems.add(name + " line " + (i + 1) + ": " + section + "." + entry.group(1) + " is " + value
                                + " but the default is " + shown(option) + "; say '# default: " + shown(option) + "'");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /** Whether {@code text}, read as the option's type, is its default. */
    private static boolean sameValue(ConfigOption<?> option, String text) {
        Object expected = option.defaultValue();
        String value = text.replaceAll("^\"|\"$", "");
        if (expected instanceof Duration duration) {
            return TimeUtils.parseDuration(value).equals(duration);
        }
        if (expected instanceof Number number) {
            try {
                return number instanceof Float ? Float.parseFloat(value) == number.floatValue()
                        : Double.parseDouble(value) == number.doubleValue();
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (expected instanceof List<?> list) {
            String inner = value.replaceAll("^\\[|\\]$", "").trim();
            List<String> items = inner.isEmpty() ? List.of() : List.of(inner.split(",\\s*"));
            return items.size() == list.size() && items.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList()
                    .equals(list.stream().map(o -> o.toString().toLowerCase(Locale.ROOT)).toList());
        }
        Configuration config = new Configuration();
        config.setString(option.key(), value);
        try {
            return config.get(option).toString().equalsIgnoreCase(expected.toString());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String shown(ConfigOption<?> option) {
        Object value = option.defaultValue();
        if (value instanceof Duration duration) {
            return TimeUtils.formatWithHighestUnit(duration);
        }
        return value.toString().toLowerCase(Locale.ROOT);
    }
}
