package dev.arbor.jobs.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ClusterOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.NettyShuffleEnvironmentOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ResourceManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.RpcOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;

/**
 * Checks Flink's own keys (the {@code flink:} section, {@code --set flink.<key>}): a known key's
 * value against its type, so that {@code taskmanager.memory.process.size: abc} is an error naming
 * the key, not something Flink silently ignores or fails on much later; and an unknown key that is
 * one or two letters away from a known one, which is a misspelling Flink would ignore in silence
 * ({@code taskmanager.memory.proces.size}). Known are the options of Flink's option classes (every
 * {@code org.apache.flink.configuration.*Options} class); other unknown keys pass through unchecked
 * (plugins, connectors and metric reporters define their own). Stateless.
 */
final class FlinkKeys {
    private static final List<Class<?>> OPTION_CLASSES = List.of(CoreOptions.class, TaskManagerOptions.class,
            JobManagerOptions.class, CheckpointingOptions.class, StateBackendOptions.class, StateRecoveryOptions.class,
            RestartStrategyOptions.class, RestOptions.class, PipelineOptions.class, ExecutionOptions.class,
            DeploymentOptions.class, HeartbeatManagerOptions.class, MetricOptions.class,
            NettyShuffleEnvironmentOptions.class, ClusterOptions.class, WebOptions.class, BlobServerOptions.class,
            RpcOptions.class, ResourceManagerOptions.class);
    private static final Map<String, ConfigOption<?>> KNOWN = known();

    private FlinkKeys() {}

    /**
     * @param originOf full key -> " (where it was set)" or ""
     * @throws ConfigException for a known Flink key whose value does not parse as its type
     */
    static void validate(Configuration config, UnaryOperator<String> originOf) {
        for (Map.Entry<String, String> entry : config.toMap().entrySet()) {
            ConfigOption<?> option = KNOWN.get(entry.getKey());
            if (option == null) {
                if (!ConfigLoader.isArborKey(entry.getKey())) {
                    refuseMisspelling(entry.getKey(), originOf);
                }
                continue;
            }
            Configuration alone = new Configuration();
            alone.setString(entry.getKey(), entry.getValue());
            try {
                alone.get(option);
            } catch (RuntimeException e) {
                throw new ConfigException("invalid value '" + entry.getValue() + "' for flink." + entry.getKey()
                        + originOf.apply(entry.getKey()) + ": " + e.getMessage(), e);
            }
        }
    }

    /** An unknown key one or two edits from a known one is a misspelling: refused, naming the known key. */
    private static void refuseMisspelling(String key, UnaryOperator<String> originOf) {
        String closest = null;
        int best = 3;
        for (String known : KNOWN.keySet()) {
            if (Math.abs(known.length() - key.length()) < best) {
                int distance = distance(key, known, best);
                if (distance < best) {
                    best = distance;
                    closest = known;
                }
            }
        }
        if (closest != null) {
            throw new ConfigException("unknown Flink key 'flink." + key + "'" + originOf.apply(key) + ": did you mean "
                    + "flink." + closest + "? (Flink ignores keys it does not know)");
        }
    }

    /** Levenshtein distance of {@code a} and {@code b}, or {@code limit} when it is at least that. */
    private static int distance(String a, String b, int limit) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            int rowMin = current[0];
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
                rowMin = Math.min(rowMin, current[j]);
            }
            if (rowMin >= limit) {
                return limit;
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return Math.min(previous[b.length()], limit);
    }

    private static Map<String, ConfigOption<?>> known() {
        Map<String, ConfigOption<?>> known = new HashMap<>();
        List<Class<?>> classes = new java.util.ArrayList<>(OPTION_CLASSES);
        classes.addAll(optionClassesOfFlinkCore());
        for (Class<?> type : classes) {
            for (Field field : type.getFields()) {
                if (Modifier.isStatic(field.getModifiers()) && ConfigOption.class.isAssignableFrom(field.getType())) {
                    try {
                        ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                        known.putIfAbsent(option.key(), option);
                        for (FallbackKey fallback : option.fallbackKeys()) {
                            known.putIfAbsent(fallback.getKey(), option);
                        }
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return known;
    }

    /** Every {@code org.apache.flink.configuration.*Options} class in the jar that holds Flink's core options. */
    private static List<Class<?>> optionClassesOfFlinkCore() {
        List<Class<?>> classes = new java.util.ArrayList<>();
        try {
            java.net.URL location = CoreOptions.class.getProtectionDomain().getCodeSource().getLocation();
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(new java.io.File(location.toURI()))) {
                jar.stream().map(java.util.jar.JarEntry::getName)
                        .filter(name -> name.startsWith("org/apache/flink/configuration/") && name.endsWith("Options.class")
                                && name.indexOf('/', "org/apache/flink/configuration/".length()) < 0 && !name.contains("$"))
                        .forEach(name -> {
                            try {
                                classes.add(Class.forName(name.substring(0, name.length() - ".class".length())
                                        .replace('/', '.'), false, CoreOptions.class.getClassLoader()));
                            } catch (ClassNotFoundException | LinkageError e) {
                                // not loadable here: its keys pass unchecked
                            }
                        });
            }
        } catch (Exception e) {
            // not a jar (a class folder) or not readable: the classes listed above stand
        }
        return classes;
    }
}
