package dev.arbor.flink.sql;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.ArborConfig;
import dev.arbor.flink.ArborOptions;
import dev.arbor.flink.RequestParameter;
import dev.arbor.flink.RequestParameters;
import dev.arbor.flink.UnknownKeys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.config.MLPredictRuntimeConfigOptions;

/**
 * The option keys of an {@code arbor} model in SQL ({@code CREATE MODEL ... WITH (...)}), each the
 * short name of one {@link ArborOptions} option of the same type, plus which of them a query may
 * override in ML_PREDICT's {@code CONFIG} map.
 *
 * <p>Keys not set take the {@link ArborOptions} defaults. Model and context keys are fixed per
 * model; search and sampler keys may also be given per query. The engine's per-record timeout is
 * {@code request-timeout}, because ML_PREDICT's own {@code timeout} is the planner's async timeout.
 */
@Internal
public final class SqlOptions {
    private SqlOptions() {}

    /** One SQL key and the Arbor option it sets; {@code perQuery} when a query's CONFIG may override it. */
    public record Mapping<T>(ConfigOption<T> sql, ConfigOption<T> arbor, boolean perQuery) {
        void copy(ReadableConfig from, ArborConfig.Builder to) {
            from.getOptional(sql).ifPresent(value -> to.set(arbor, value));
        }
    }

    public static final ConfigOption<String> MODEL_PATH = ConfigOptions.key("model-path").stringType()
            .noDefaultValue().withDescription(ArborOptions.MODEL_PATH.description());

    private static final List<Mapping<?>> MAPPINGS = mappingsInOrder();

    /** Model and context keys, then the request parameters' keys (RequestParameters), then grammar and chat. */
    private static List<Mapping<?>> mappingsInOrder() {
        List<Mapping<?>> mappings = new ArrayList<>(List.of(
                new Mapping<>(MODEL_PATH, ArborOptions.MODEL_PATH, false),
                fixed(ConfigOptions.key("gpu-layers").intType().noDefaultValue(), ArborOptions.GPU_LAYERS),
                fixed(ConfigOptions.key("n-ctx").intType().noDefaultValue(), ArborOptions.N_CTX),
                fixed(ConfigOptions.key("n-batch").intType().noDefaultValue(), ArborOptions.N_BATCH),
                fixed(ConfigOptions.key("n-seq-max").intType().noDefaultValue(), ArborOptions.N_SEQ_MAX),
                fixed(ConfigOptions.key("threads").intType().noDefaultValue(), ArborOptions.THREADS)));
        for (RequestParameter<?> parameter : RequestParameters.all()) {
            perQuery(parameter).ifPresent(mappings::add);
        }
        mappings.add(query(ConfigOptions.key("grammar").stringType().noDefaultValue(), ArborOptions.GRAMMAR));
        mappings.add(query(ConfigOptions.key("json-schema").stringType().noDefaultValue(), ArborOptions.JSON_SCHEMA));
        mappings.add(fixed(ConfigOptions.key("chat-template").stringType().noDefaultValue(),
                ArborOptions.CHAT_TEMPLATE));
        return List.copyOf(mappings);
    }

    /** A request parameter's SQL key, which a query may override, if it has one. */
    private static <T> Optional<Mapping<T>> perQuery(RequestParameter<T> parameter) {
        return parameter.sqlOption().map(sql -> new Mapping<>(sql, parameter.option(), true));
    }

    private static <T> Mapping<T> fixed(ConfigOption<T> sql, ConfigOption<T> arbor) {
        return new Mapping<>(sql.withDescription(arbor.description()), arbor, false);
    }

    private static <T> Mapping<T> query(ConfigOption<T> sql, ConfigOption<T> arbor) {
        return new Mapping<>(sql.withDescription(arbor.description()), arbor, true);
    }

    /** Every mapping, in documentation order. */
    public static List<Mapping<?>> mappings() {
        return MAPPINGS;
    }

    /** The optional keys (all but {@link #MODEL_PATH}), for the factory. */
    public static Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> options = new LinkedHashSet<>();
        for (Mapping<?> mapping : MAPPINGS) {
            if (mapping.sql() != MODEL_PATH) {
                options.add(mapping.sql());
            }
        }
        return options;
    }

    /**
     * The Arbor configuration of a model's options.
     *
     * @throws IllegalArgumentException naming the SQL key of a bad or missing value
     */
    public static ArborConfig modelConfig(ReadableConfig modelOptions) {
        ArborConfig.Builder builder = ArborConfig.builder();
        try {
            for (Mapping<?> mapping : MAPPINGS) {
                mapping.copy(modelOptions, builder);
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(withSqlKeys(e.getMessage()), e);
        }
    }

    /**
     * {@code base} with a query's overrides (ML_PREDICT's CONFIG map) of the per-query keys; the
     * planner's own keys ({@code async}, {@code timeout}, ...) are left to the planner.
     *
     * @throws IllegalArgumentException naming the SQL key of a bad value, of a model key (fixed per
     *     model), or of an unknown key (listing the valid ones)
     */
    public static ArborConfig withQueryOverrides(ArborConfig base, ReadableConfig query) {
        ArborConfig.Builder builder = base.toBuilder();
        try {
            checkQueryKeys(query);
            for (Mapping<?> mapping : MAPPINGS) {
                if (mapping.perQuery()) {
                    mapping.copy(query, builder);
                }
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(withSqlKeys(e.getMessage()), e);
        }
    }

    /** Every key of a query's CONFIG map must be a per-query key or one of the planner's. */
    private static void checkQueryKeys(ReadableConfig query) {
        List<ConfigOption<?>> valid = new ArrayList<>();
        for (Mapping<?> mapping : MAPPINGS) {
            if (mapping.perQuery()) {
                valid.add(mapping.sql());
            } else if (query.toMap().containsKey(mapping.sql().key())) {
                throw new IllegalArgumentException("'" + mapping.sql().key() + "' is fixed per model: set it in "
                        + "CREATE MODEL ... WITH (...), not in ML_PREDICT's config");
            }
        }
        for (ConfigOption<?> planner : MLPredictRuntimeConfigOptions.getSupportedOptions()) {
            valid.add(planner);
        }
        UnknownKeys.reject(query, "", valid, "ML_PREDICT config key");
    }

    /** A message about Arbor option keys, rewritten with the SQL keys users wrote. */
    static String withSqlKeys(String message) {
        if (message == null) {
            return null;
        }
        List<Mapping<?>> longestFirst = new ArrayList<>(MAPPINGS);
        // "arbor.search.stop" is a prefix of "arbor.search.stop-at-eog": replace longer keys first.
        longestFirst.sort(Comparator.comparingInt((Mapping<?> m) -> m.arbor().key().length()).reversed());
        String result = message;
        for (Mapping<?> mapping : longestFirst) {
            result = result.replace(mapping.arbor().key(), "'" + mapping.sql().key() + "'");
        }
        return result;
    }
}
