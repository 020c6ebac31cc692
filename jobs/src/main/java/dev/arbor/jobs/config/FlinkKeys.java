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
 * Checks the values of Flink's own keys (the {@code flink:} section, {@code --set flink.<key>})
 * against Flink's option types, so that {@code taskmanager.memory.process.size: abc} is an error
 * naming the key, not something Flink silently ignores or fails on much later. Known are the
 * options of Flink's common option classes; other keys pass through unchecked (plugins and
 * connectors define their own). Stateless.
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

    private static Map<String, ConfigOption<?>> known() {
        Map<String, ConfigOption<?>> known = new HashMap<>();
        for (Class<?> type : OPTION_CLASSES) {
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
}
