package dev.arbor.flink;

import dev.arbor.annotation.Internal;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Rejects configuration keys that look like ours but are not: a typo such as
 * {@code arbor.search.widht} must fail with the key named and the valid keys listed, instead of
 * running with no effect. Stateless.
 */
@Internal
public final class UnknownKeys {
    private UnknownKeys() {}

    /**
     * @param prefix keys starting with it are ours ({@code "arbor."}); "" makes every key ours
     * @param known the options of that namespace (their fallback keys count as known too)
     * @param what what the keys are, for the message ("Arbor option", "ML_PREDICT config key")
     * @throws IllegalArgumentException naming every unknown key and listing the known ones
     */
    public static void reject(ReadableConfig config, String prefix, Collection<? extends ConfigOption<?>> known,
            String what) {
        reject(config.toMap().keySet(), prefix, known, what);
    }

    /** The same check over plain keys. */
    public static void reject(Collection<String> keys, String prefix, Collection<? extends ConfigOption<?>> known,
            String what) {
        TreeSet<String> valid = new TreeSet<>();
        for (ConfigOption<?> option : known) {
            valid.add(option.key());
            for (FallbackKey fallback : option.fallbackKeys()) {
                valid.add(fallback.getKey());
            }
        }
        List<String> unknown = keys.stream().filter(key -> key.startsWith(prefix) && !valid.contains(key)).sorted()
                .collect(Collectors.toList());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown " + what + (unknown.size() == 1 ? " '" + unknown.get(0) + "'"
                    : "s " + unknown.stream().map(k -> "'" + k + "'").collect(Collectors.joining(", ")))
                    + "; valid keys: " + String.join(", ", valid));
        }
    }
}
