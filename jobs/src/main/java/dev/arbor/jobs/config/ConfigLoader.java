package dev.arbor.jobs.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.arbor.annotation.Internal;
import dev.arbor.flink.ArborConfig;
import dev.arbor.flink.ArborOptions;
import dev.arbor.jobs.io.IoProblems;
import dev.arbor.jobs.io.JsonLines;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Turns a YAML job file plus command-line overrides into one validated Flink {@link Configuration}
 * holding {@link ArborOptions} and {@link JobOptions}.
 *
 * <p>YAML layout: top-level sections mirror the option keys, {@code search: {width: 4}} being
 * {@code arbor.search.width}; the section {@code flink:} passes Flink's own keys through untouched.
 * Overrides name keys the same way ({@code search.width}, or the full {@code arbor.search.width};
 * {@code flink.<key>} for a Flink key) and win over the file.
 *
 * <p>Invariants of a returned configuration: every key in it is a known option (or came from
 * {@code flink:}), every known option parses as its type and passes its range checks, and relative
 * paths are absolute: those of a YAML file resolve against the file's directory, those of overrides
 * against the working directory. Anything else is a {@link ConfigException} naming the key and where
 * it was set.
 */
@Internal
public final class ConfigLoader {
    /** Section of Flink's own keys, passed through. */
    public static final String FLINK_SECTION = "flink";
    /**
     * The prefix of every Arbor option key ({@code arbor.search.width}), of the operator's options and
     * the jobs' alike: job files and {@code --set} leave it out, and a key without it is Flink's own.
     */
    public static final String OPTION_PREFIX = "arbor.";
    private static final Pattern URI_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*");

    private final Map<String, ConfigOption<?>> options = new LinkedHashMap<>();
    /** key -> where its value came from, for messages. */
    private final Map<String, String> origins = new LinkedHashMap<>();

    public ConfigLoader() {
        Stream.concat(ArborOptions.all().stream(), JobOptions.all().stream())
                .forEach(option -> options.put(option.key(), option));
    }

    /** Every option this loader accepts, by full key. */
    public Map<String, ConfigOption<?>> options() {
        return options;
    }

    /**
     * Loads {@code yaml} (may be null: defaults only), applies {@code overrides} in order and
     * validates the result.
     *
     * @param overrides user keys ({@code search.width}) to values, as given on the command line
     */
    public Configuration load(Path yaml, Map<String, String> overrides) {
        origins.clear();
        Configuration config = new Configuration();
        if (yaml != null) {
            readYaml(yaml, config);
        }
        overrides.forEach((key, value) -> {
            String fullKey = fullKey(key.trim(), "the command line");
            String written = value == null ? "" : asWritten(fullKey, value);
            if (written.isEmpty()) {
                config.removeKey(fullKey);
                return;
            }
            config.setString(fullKey, resolvePath(fullKey, written, Path.of("")));
            origins.put(fullKey, "the command line");
        });
        validate(config);
        return config;
    }

    /**
     * A command-line value as the option will read it: text options (and Flink's own keys) exactly as
     * written, spaces included ({@code --set 'prompt.prefix=Review: '} keeps its space, as YAML does;
     * lists and maps too, whose items may be text); numbers, durations, booleans and choices without
     * the blanks around them, which cannot matter. An empty value unsets the key.
     */
    private String asWritten(String fullKey, String value) {
        ConfigOption<?> option = options.get(fullKey);
        Object sample = option == null || !option.hasDefaultValue() ? "" : option.defaultValue();
        boolean scalar = sample instanceof Number || sample instanceof Boolean || sample instanceof Enum<?>
                || sample instanceof java.time.Duration;
        return scalar ? value.strip() : value;
    }

    /**
     * A message of the operator's in the words of a job file: every option key in it by the name a job
     * file and {@code --set} use ({@code search.width}, not the operator's {@code arbor.search.width}).
     */
    public static String inJobTerms(String message) {
        if (message == null) {
            return null;
        }
        return FULL_KEY.matcher(message).replaceAll(match -> java.util.regex.Matcher.quoteReplacement(
                KNOWN_KEYS.contains(match.group()) ? userKey(match.group()) : match.group()));
    }

    private static final Pattern FULL_KEY = Pattern.compile("\\b" + Pattern.quote(OPTION_PREFIX)
            + "[a-z0-9-]+(\\.[a-z0-9-]+)+");
    private static final java.util.Set<String> KNOWN_KEYS = Stream.concat(ArborOptions.all().stream(),
            JobOptions.all().stream()).map(ConfigOption::key).collect(Collectors.toSet());

    /** Whether {@code fullKey} names an Arbor option (or a misspelling of one) rather than a Flink key. */
    public static boolean isArborKey(String fullKey) {
        return fullKey.startsWith(OPTION_PREFIX);
    }

    /** The user-facing name of a key: {@code search.width} for {@code arbor.search.width}. */
    public static String userKey(String fullKey) {
        return isArborKey(fullKey) ? fullKey.substring(OPTION_PREFIX.length()) : fullKey;
    }

    private String fullKey(String userKey, String origin) {
        if (userKey.startsWith(FLINK_SECTION + ".")) {
            return userKey.substring(FLINK_SECTION.length() + 1);
        }
        String full = isArborKey(userKey) ? userKey : OPTION_PREFIX + userKey;
        if (!options.containsKey(full)) {
            throw new ConfigException("unknown key '" + userKey(full) + "' (" + origin + ")" + suggestion(full));
        }
        return full;
    }

    private String suggestion(String fullKey) {
        String user = userKey(fullKey);
        int dot = user.indexOf('.');
        String section = dot < 0 ? user : user.substring(0, dot);
        List<String> siblings = options.keySet().stream().map(ConfigLoader::userKey)
                .filter(k -> k.startsWith(section + ".")).collect(Collectors.toList());
        if (!siblings.isEmpty()) {
            return "; keys of '" + section + "': "
                    + siblings.stream().map(k -> k.substring(section.length() + 1)).collect(Collectors.joining(", "));
        }
        return "; sections: " + String.join(", ", sections()) + ", " + FLINK_SECTION;
    }

    private TreeSet<String> sections() {
        TreeSet<String> sections = new TreeSet<>();
        for (String key : options.keySet()) {
            String user = userKey(key);
            sections.add(user.substring(0, user.indexOf('.')));
        }
        return sections;
    }

    // ---------------------------------------------------------------- YAML

    private void readYaml(Path file, Configuration config) {
        Node root;
        try (Reader reader = Files.newBufferedReader(file)) {
            LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).build();
            root = new Compose(settings).composeReader(reader).orElse(null);
        } catch (IOException e) {
            throw new ConfigException("cannot read the configuration file " + file + ": " + IoProblems.describe(e), e);
        } catch (YamlEngineException e) {
            throw new ConfigException("the configuration file " + file + " is not valid YAML: " + e.getMessage(), e);
        }
        if (root == null) {
            return; // an empty file: all defaults
        }
        if (!(root instanceof MappingNode mapping)) {
            throw new ConfigException(file + " must be a mapping of sections (model:, search:, ...)" + at(file, root));
        }
        Path base = file.toAbsolutePath().getParent();
        for (NodeTuple tuple : mapping.getValue()) {
            String section = scalarKey(file, tuple.getKeyNode());
            boolean flink = section.equals(FLINK_SECTION);
            flatten(file, base, flink ? "" : OPTION_PREFIX + section, tuple.getValueNode(), flink, config);
        }
    }

    private void flatten(Path file, Path base, String key, Node node, boolean flink, Configuration config) {
        if (node instanceof MappingNode mapping && !isMapOption(key)) {
            for (NodeTuple tuple : mapping.getValue()) {
                String name = scalarKey(file, tuple.getKeyNode());
                flatten(file, base, key.isEmpty() ? name : key + "." + name, tuple.getValueNode(), flink, config);
            }
            return;
        }
        String origin = file + ", line " + line(node);
        if (!flink && !options.containsKey(key)) {
            throw new ConfigException("unknown key '" + userKey(key) + "' (" + origin + ")" + suggestion(key));
        }
        if (key.isEmpty()) {
            throw new ConfigException("the section '" + FLINK_SECTION + "' must be a mapping (" + origin + ")");
        }
        if (origins.containsKey(key)) {
            throw new ConfigException("duplicate key '" + userKey(key) + "' (" + origin + ", first set at "
                    + origins.get(key) + ")");
        }
        origins.put(key, origin);
        String value = scalarOrList(file, key, node);
        if (value != null) {
            config.setString(key, resolvePath(key, value, base));
        }
    }

    /** A map-typed option (Kafka's client settings, say) takes a YAML mapping as its value. */
    private boolean isMapOption(String key) {
        ConfigOption<?> option = options.get(key);
        return option != null && option.hasDefaultValue() && option.defaultValue() instanceof Map;
    }

    private static String scalarOrList(Path file, String key, Node node) {
        if (node instanceof MappingNode mapping) {
            return mapValue(file, key, mapping);
        }
        if (node instanceof ScalarNode scalar) {
            return scalar.getTag().equals(Tag.NULL) ? null : scalar.getValue();
        }
        if (node instanceof SequenceNode sequence) {
            List<String> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                if (!(item instanceof ScalarNode scalar)) {
                    throw new ConfigException("the list '" + userKey(key) + "' must hold plain values" + at(file, item));
                }
                items.add(scalar.getValue());
            }
            try {
                // JSON is YAML flow syntax, which is how Flink parses list values.
                return JsonLines.MAPPER.writeValueAsString(items);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new ConfigException("unsupported value for '" + userKey(key) + "'" + at(file, node));
    }

    /**
     * A mapping as a YAML flow mapping ({@code {'k': 'v', 'k2': 'v2'}}, how Flink parses map values),
     * every key and value single-quoted, so that a value holding ':', ',' or quotes (a JAAS line)
     * arrives unchanged.
     */
    private static String mapValue(Path file, String key, MappingNode mapping) {
        List<String> entries = new ArrayList<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getValueNode() instanceof ScalarNode value)) {
                throw new ConfigException("the map '" + userKey(key) + "' must hold plain values"
                        + at(file, tuple.getValueNode()));
            }
            entries.add(quoted(scalarKey(file, tuple.getKeyNode())) + ": " + quoted(value.getValue()));
        }
        return "{" + String.join(", ", entries) + "}";
    }

    private static String quoted(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static String scalarKey(Path file, Node node) {
        if (node instanceof ScalarNode scalar && !scalar.getValue().isEmpty()) {
            return scalar.getValue();
        }
        throw new ConfigException("keys must be plain names" + at(file, node));
    }

    private static String at(Path file, Node node) {
        return " (" + file + ", line " + line(node) + ")";
    }

    private static int line(Node node) {
        return node.getStartMark().map(mark -> mark.getLine() + 1).orElse(0);
    }

    private static String resolvePath(String key, String value, Path base) {
        if (!JobOptions.pathKeys().contains(key) || URI_SCHEME.matcher(value).matches()
                || value.equals(ModelChoice.SYNTHETIC_PRM) || value.startsWith(ModelChoice.SYNTHETIC_PRM + ":")) {
            return value;
        }
        return base.resolve(value).toAbsolutePath().normalize().toString();
    }

    // ---------------------------------------------------------------- validation

    private void validate(Configuration config) {
        for (ConfigOption<?> option : options.values()) {
            try {
                config.getOptional(option);
            } catch (RuntimeException e) {
                throw new ConfigException("invalid value '" + config.toMap().get(option.key()) + "' for "
                        + userKey(option.key()) + originOf(option.key()) + ": expected " + expected(option), e);
            }
        }
        try {
            Configuration probe = new Configuration(config);
            if (probe.getOptional(ArborOptions.MODEL_PATH).isEmpty()) {
                probe.set(ArborOptions.MODEL_PATH, "synthetic"); // decided later; see ModelChoice
            }
            // Unknown keys were refused above; the job's own (input., output., ...) are not the operator's.
            ArborConfig.builder().setAll(probe).build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid configuration: " + inJobTerms(e.getMessage())
                    + originOfKeyIn(e.getMessage()), e);
        }
        JobOptionsValidator.validate(config, this::originOf);
        FlinkKeys.validate(config, this::originOf);
    }

    String originOf(String key) {
        String origin = origins.get(key);
        return origin == null ? "" : " (" + origin + ")";
    }

    /** Where the key a message names first was set (a message about two keys is about the first). */
    private String originOfKeyIn(String message) {
        return options.keySet().stream().filter(key -> message != null && message.contains(key))
                .min(java.util.Comparator.comparingInt((String key) -> message.indexOf(key))
                        .thenComparing(key -> -key.length()))
                .map(this::originOf).orElse("");
    }

    /** What an option's values look like, told from its default (options without one are strings). */
    static String expected(ConfigOption<?> option) {
        Object sample = option.hasDefaultValue() ? option.defaultValue() : "";
        if (sample instanceof List<?> list) {
            return "a list" + (list.isEmpty() ? "" : " of " + expectedOf(list.get(0)));
        }
        return expectedOf(sample);
    }

    private static String expectedOf(Object sample) {
        if (sample instanceof Integer || sample instanceof Long) {
            return "an integer";
        } else if (sample instanceof Float || sample instanceof Double) {
            return "a number";
        } else if (sample instanceof Boolean) {
            return "true or false";
        } else if (sample instanceof java.time.Duration) {
            return "a duration such as 500 ms, 10 s or 5 min";
        } else if (sample instanceof Enum<?> e) {
            return "one of " + java.util.Arrays.stream(e.getDeclaringClass().getEnumConstants())
                    .map(Object::toString).collect(Collectors.joining(", "));
        }
        return "a string";
    }
}
