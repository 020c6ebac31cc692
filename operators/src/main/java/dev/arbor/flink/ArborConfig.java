package dev.arbor.flink;

import dev.arbor.annotation.Internal;
import dev.arbor.annotation.PublicApi;
import dev.arbor.grammar.GbnfOptions;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.ModelParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.search.Footprint;
import dev.arbor.search.ProcessRewardModel;
import dev.arbor.search.RequestChecks;
import dev.arbor.search.SearchRequest;
import dev.arbor.search.SearchStrategy;
import dev.arbor.search.PrefixCacheConfig;
import java.io.Serializable;
import java.util.Objects;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * A validated, immutable set of {@link ArborOptions}: what one Arbor operator runs with (model,
 * context size, prefix cache, routing, default search and sampler, timeout, capacity).
 *
 * <p>Built from a Flink configuration ({@link #from(ReadableConfig)}, e.g. a job's config file or
 * its global job parameters) or with {@link #builder()}. Both validate every value up front, so a
 * bad setting fails the job at submission with an {@link IllegalArgumentException} naming the
 * option key, instead of failing every record later. Options not set take their documented
 * defaults. Serializable: it travels inside the operator to the TaskManagers.
 */
@PublicApi
public final class ArborConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    // Only ArborOptions are ever stored here (see from/Builder.set), with values of their own type.
    private final Configuration values;

    private ArborConfig(Configuration values) {
        this.values = values;
        validate();
    }

    /**
     * Reads every {@link ArborOptions} option from {@code config} and validates the result. Keys
     * outside {@code arbor.} are ignored; an unknown key under {@code arbor.} (a typo such as
     * {@code arbor.search.widht}) is an error.
     *
     * @throws IllegalArgumentException naming the offending key, e.g. "arbor.search.width must be
     *     >= 1, was 0", or when a value cannot be parsed as its option's type, or for unknown
     *     {@code arbor.} keys (the message lists the valid ones)
     */
    public static ArborConfig from(ReadableConfig config) {
        Objects.requireNonNull(config, "config");
        UnknownKeys.reject(config, "arbor.", ArborOptions.all(), "Arbor option");
        Configuration copy = new Configuration();
        for (ConfigOption<?> option : ArborOptions.all()) {
            copyOption(config, copy, option);
        }
        return new ArborConfig(copy);
    }

    private static <T> void copyOption(ReadableConfig from, Configuration to, ConfigOption<T> option) {
        from.getOptional(option).ifPresent(value -> to.set(option, value));
    }

    public static Builder builder() {
        return new Builder(new Configuration());
    }

    /** A builder that starts from this configuration's values. */
    public Builder toBuilder() {
        return new Builder(new Configuration(values));
    }

    /** The option's value, or its default when it was not set. */
    public <T> T get(ConfigOption<T> option) {
        return values.get(option);
    }

    /** A fresh, mutable copy of the options that were set (defaults are not written out). */
    public Configuration toConfiguration() {
        return new Configuration(values);
    }

    /** The GGUF model file ({@link ArborOptions#MODEL_PATH}); never null. */
    public String modelPath() {
        return values.get(ArborOptions.MODEL_PATH);
    }

    /** How to load the model ({@link ArborOptions#GPU_LAYERS}). */
    public ModelParams modelParams() {
        return ModelParams.builder().nGpuLayers(get(ArborOptions.GPU_LAYERS)).loadMode(get(ArborOptions.LOAD_MODE))
                .build();
    }

    /** How to size the context of a TaskManager's only slot (threads 0: every core this JVM may use). */
    public ContextParams contextParams() {
        return contextParams(1);
    }

    /**
     * How to size each context of a TaskManager with {@code taskSlots} slots: threads 0 means the
     * slot's share of the cores, {@link TaskSlots#defaultThreads}.
     */
    public ContextParams contextParams(int taskSlots) {
        ContextParams.Builder builder = ContextParams.builder().nCtx(get(ArborOptions.N_CTX))
                .nBatch(get(ArborOptions.N_BATCH)).nSeqMax(get(ArborOptions.N_SEQ_MAX))
                .threadPolicy(get(ArborOptions.THREAD_POLICY)).poll(get(ArborOptions.CPU_POLL))
                .flashAttention(get(ArborOptions.FLASH_ATTENTION)).kvUnified(get(ArborOptions.KV_UNIFIED))
                .swaFull(get(ArborOptions.SWA_FULL));
        int threads = get(ArborOptions.THREADS);
        builder.threads(threads > 0 ? threads
                : TaskSlots.defaultThreads(Runtime.getRuntime().availableProcessors(), taskSlots));
        return builder.build();
    }

    /** Records each subtask keeps in flight: {@link ArborOptions#CAPACITY}, or 2 x n-seq-max when 0. */
    public int engineCapacity() {
        int capacity = get(ArborOptions.CAPACITY);
        return capacity > 0 ? capacity : 2 * get(ArborOptions.N_SEQ_MAX);
    }

    /** The engine's prefix cache ({@link ArborOptions#CACHE_ENABLED} and the options beside it). */
    public PrefixCacheConfig prefixCache() {
        return new PrefixCacheConfig(get(ArborOptions.CACHE_ENABLED), get(ArborOptions.CACHE_MAX_CELLS),
                get(ArborOptions.CACHE_MIN_PREFIX_TOKENS), get(ArborOptions.CACHE_CHECKPOINT_INTERVAL));
    }

    /** The most bytes a slot's checkpoints may hold ({@link ArborOptions#CHECKPOINT_BYTES}). */
    public long checkpointBytes() {
        return get(ArborOptions.CHECKPOINT_BYTES).getBytes();
    }

    /** The process reward model's file ({@link ArborOptions#PRM_MODEL}), or null without one. */
    public String prmModelPath() {
        String path = get(ArborOptions.PRM_MODEL);
        return path == null || path.isBlank() ? null : path;
    }

    /** The registry key of the process reward model (loaded like the model). */
    @Internal
    public ModelRegistry.Key prmModelKey() {
        return new ModelRegistry.Key(java.nio.file.Path.of(prmModelPath()), modelParams());
    }

    /** Each slot's context of the process reward model: its own cells and sequences, the slot's threads. */
    public ContextParams prmContextParams(int taskSlots) {
        ContextParams policy = contextParams(taskSlots);
        return policy.toBuilder().nCtx(get(ArborOptions.PRM_N_CTX)).nSeqMax(get(ArborOptions.PRM_N_SEQ_MAX))
                .nUbatch(Math.min(policy.nUbatch(), get(ArborOptions.PRM_N_CTX)))
                .nBatch(Math.min(policy.nBatch(), get(ArborOptions.PRM_N_CTX))).build();
    }

    /** The process reward model on {@code context}, with the configured tag and tokens. */
    public ProcessRewardModel processRewardModel(LlamaContext context) {
        String bad = get(ArborOptions.PRM_BAD);
        return new ProcessRewardModel(context, get(ArborOptions.PRM_STEP_TAG), get(ArborOptions.PRM_GOOD),
                bad == null || bad.isEmpty() ? null : bad, ProcessRewardModel.DEFAULT_PROMPT_SUFFIX);
    }

    /** The admission overcommit factor ({@link ArborOptions#OVERCOMMIT}). */
    public double overcommit() {
        return get(ArborOptions.OVERCOMMIT);
    }

    /**
     * The bounds JSON Schemas are converted with ({@link ArborOptions#SCHEMA_MAX_DIGITS} and the
     * options beside it; 0 is no bound).
     */
    public GbnfOptions schemaBounds() {
        return new GbnfOptions(bound(ArborOptions.SCHEMA_MAX_STRING_LENGTH), bound(ArborOptions.SCHEMA_MAX_ITEMS),
                bound(ArborOptions.SCHEMA_MAX_DIGITS));
    }

    private Integer bound(ConfigOption<Integer> option) {
        int value = get(option);
        return value == 0 ? null : value;
    }

    /** The default sampler (the record's seed is applied per request). */
    public SamplerParams sampler() {
        return RequestParameters.configuredSampler(this);
    }

    private void validate() {
        String path = values.get(ArborOptions.MODEL_PATH);
        check(path != null && !path.isBlank(), ArborOptions.MODEL_PATH.key() + " is required (the GGUF model file)");
        atLeast(ArborOptions.GPU_LAYERS, 0);
        atLeast(ArborOptions.N_CTX, 1);
        atLeast(ArborOptions.N_BATCH, 1);
        atLeast(ArborOptions.N_SEQ_MAX, 1);
        atLeast(ArborOptions.THREADS, 0);
        atLeast(ArborOptions.CACHE_MAX_CELLS, 0);
        atLeast(ArborOptions.CACHE_MIN_PREFIX_TOKENS, 1);
        atLeast(ArborOptions.CACHE_CHECKPOINT_INTERVAL, 0);
        atLeast(ArborOptions.PRM_N_CTX, 1);
        atLeast(ArborOptions.PRM_N_SEQ_MAX, 1);
        check(!get(ArborOptions.PRM_GOOD).isEmpty(), ArborOptions.PRM_GOOD.key() + " must not be empty");
        double overcommit = get(ArborOptions.OVERCOMMIT);
        check(overcommit >= 1.0 && !Double.isInfinite(overcommit), ArborOptions.OVERCOMMIT.key()
                + " must be a finite factor >= 1, was " + overcommit);
        atLeast(ArborOptions.ROUTING_PREFIX_TOKENS, 0);
        strategy();
        check(values.getOptional(ArborOptions.GRAMMAR).isEmpty() || values.getOptional(ArborOptions.JSON_SCHEMA).isEmpty(),
                ArborOptions.GRAMMAR.key() + " and " + ArborOptions.JSON_SCHEMA.key() + " exclude each other");
        within(ArborOptions.SCHEMA_MAX_DIGITS, 0, GbnfOptions.MAX_BOUND);
        within(ArborOptions.SCHEMA_MAX_STRING_LENGTH, 0, GbnfOptions.MAX_BOUND);
        within(ArborOptions.SCHEMA_MAX_ITEMS, 0, GbnfOptions.MAX_BOUND);
        SearchRequest defaults = defaultRequest();
        RequestChecks.Problem problem = RequestChecks.firstProblem(defaults);
        if (problem != null) {
            throw new IllegalArgumentException(problem.message(RequestParameters.optionKey(problem.parameter())));
        }
        int width = defaults.width();
        int nSeqMax = get(ArborOptions.N_SEQ_MAX);
        int nCtx = get(ArborOptions.N_CTX);
        // The default request must fit the context, or every record using the defaults would be
        // rejected: fail the job instead. The strategy states what it needs.
        Footprint footprint = defaults.strategy().footprint(defaults, 1);
        check(footprint.leases() <= nSeqMax, ArborOptions.WIDTH.key() + " must be <= " + ArborOptions.N_SEQ_MAX.key()
                + " (" + nSeqMax + "), was " + width);
        long newTokens = footprint.cells() - 1;
        check(newTokens < nCtx, ArborOptions.MAX_NEW_TOKENS.key() + " x " + ArborOptions.WIDTH.key() + " ("
                + defaults.maxNewTokens() + " x " + width + " = " + newTokens
                + " KV cells) must leave room for a prompt in " + ArborOptions.N_CTX.key() + " (" + nCtx + ")");
        atLeast(ArborOptions.CAPACITY, 0);
    }

    /**
     * The request a record without overrides becomes, with the shortest prompt (one token), so that
     * the engine's rules and the context's size can be checked on the configured values.
     *
     * @throws IllegalArgumentException naming the option of a value the request cannot take (a sampler
     *     value out of range)
     */
    private SearchRequest defaultRequest() {
        SearchRequest.Builder builder = SearchRequest.builder("defaults").promptTokens(new int[] {0});
        try {
            return RequestParameters.apply(this, null, builder).build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(RequestParameters.withOptionKey(e.getMessage()), e);
        }
    }

    /** The default search strategy ({@link ArborOptions#STRATEGY}). */
    public SearchStrategy strategy() {
        try {
            return SearchStrategy.named(get(ArborOptions.STRATEGY));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ArborOptions.STRATEGY.key() + ": " + e.getMessage(), e);
        }
    }

    private void atLeast(ConfigOption<Integer> option, int min) {
        int value = get(option);
        check(value >= min, option.key() + " must be >= " + min + ", was " + value);
    }

    private void within(ConfigOption<Integer> option, int min, int max) {
        int value = get(option);
        check(value >= min && value <= max, option.key() + " must be in [" + min + ", " + max + "], was " + value);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ArborConfig that && values.equals(that.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "ArborConfig" + values.toMap();
    }

    /** Collects option values; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private final Configuration values;

        private Builder(Configuration values) {
            this.values = values;
        }

        /**
         * Sets one of the {@link ArborOptions}.
         *
         * @throws IllegalArgumentException for an option that is not one of {@link ArborOptions#all()}
         */
        public <T> Builder set(ConfigOption<T> option, T value) {
            if (!ArborOptions.all().contains(option)) {
                throw new IllegalArgumentException(option.key() + " is not an Arbor option");
            }
            values.set(option, value);
            return this;
        }

        public Builder modelPath(String path) {
            return set(ArborOptions.MODEL_PATH, path);
        }

        /** Sets every Arbor option present in {@code config}; other keys are ignored. */
        public Builder setAll(ReadableConfig config) {
            for (ConfigOption<?> option : ArborOptions.all()) {
                copyOption(config, values, option);
            }
            return this;
        }

        /** @throws IllegalArgumentException naming the offending option key */
        public ArborConfig build() {
            return new ArborConfig(new Configuration(values));
        }
    }
}
