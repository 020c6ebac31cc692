package dev.arbor.flink;

import dev.arbor.llama.FlashAttention;
import dev.arbor.llama.LoadMode;
import dev.arbor.llama.ThreadPolicy;
import dev.arbor.search.PrefixCacheConfig;
import dev.arbor.search.Strategy;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every setting of Arbor's Flink operator as a typed Flink {@link ConfigOption}: the model and its
 * context, the prefix cache and routing by prefix, the default search and sampler (each overridable per record), and the async operator's
 * timeout and capacity. Read them with {@link ArborConfig#from(org.apache.flink.configuration.ReadableConfig)}.
 */
public final class ArborOptions {
    private ArborOptions() {}

    public static final ConfigOption<String> MODEL_PATH = ConfigOptions.key("arbor.model.path").stringType()
            .noDefaultValue().withDescription("Path of the GGUF model file, readable on every TaskManager.");

    public static final ConfigOption<Integer> GPU_LAYERS = ConfigOptions.key("arbor.model.gpu-layers").intType()
            .defaultValue(0).withDescription("Layers to offload to a GPU (a large number: all of them); needs the "
                    + "cuda build of arbor-native (mvn -Pcuda) and a CUDA 13 runtime on the TaskManager.");

    public static final ConfigOption<LoadMode> LOAD_MODE = ConfigOptions.key("arbor.model.load-mode")
            .enumType(LoadMode.class).defaultValue(LoadMode.MMAP).withDescription("How the weights are read: MMAP "
                    + "(mapped, shared by the processes of a host), READ (copied into memory), MMAP_LOCKED (mapped "
                    + "and locked in RAM) or AUTO (llama.cpp decides).");

    public static final ConfigOption<Integer> N_CTX = ConfigOptions.key("arbor.context.n-ctx").intType()
            .defaultValue(4096).withDescription("KV cells of each task slot's context, shared by all its requests.");

    public static final ConfigOption<Integer> N_BATCH = ConfigOptions.key("arbor.context.n-batch").intType()
            .defaultValue(512).withDescription("Most tokens decoded in one llama_decode call.");

    public static final ConfigOption<Integer> N_SEQ_MAX = ConfigOptions.key("arbor.context.n-seq-max").intType()
            .defaultValue(16).withDescription("Sequences (branch leases) of each context: bounds width x concurrency.");

    public static final ConfigOption<Integer> THREADS = ConfigOptions.key("arbor.context.threads").intType()
            .defaultValue(0).withDescription("Most CPU threads per decode; 0 = every core the TaskManager may use. "
                    + "With thread-policy ADAPTIVE the slots that decode at the same time share these cores.");

    public static final ConfigOption<ThreadPolicy> THREAD_POLICY = ConfigOptions.key("arbor.context.thread-policy")
            .enumType(ThreadPolicy.class).defaultValue(ThreadPolicy.ADAPTIVE).withDescription("ADAPTIVE: each decode "
                    + "uses only this slot's share of the cores that other processes and the other decoding slots "
                    + "leave free (measured about once a second), so a busy machine slows decoding in proportion "
                    + "instead of many times over; FIXED: always 'threads'.");

    public static final ConfigOption<Integer> CPU_POLL = ConfigOptions.key("arbor.context.cpu-poll").intType()
            .defaultValue(0).withDescription("How long idle decode threads spin for work before they sleep, as ggml's "
                    + "polling level 0..100 (0: sleep at once, kindest to other work on the machine); -1 keeps "
                    + "llama.cpp's default, a new spinning thread pool for every decode.");

    public static final ConfigOption<FlashAttention> FLASH_ATTENTION = ConfigOptions
            .key("arbor.context.flash-attention").enumType(FlashAttention.class).defaultValue(FlashAttention.OFF)
            .withDescription("llama.cpp's fused attention: ON, OFF or AUTO (llama.cpp decides). It skips the cells "
                    + "a sequence cannot see, so many requests in one context cost less attention work, but on the "
                    + "CPU it is slower at long positions and accumulates in half precision (logprobs move by a few "
                    + "1e-3 with the batch company). Measured trade-offs: docs/benchmarks.md.");

    public static final ConfigOption<Boolean> KV_UNIFIED = ConfigOptions.key("arbor.context.kv-unified")
            .booleanType().defaultValue(true).withDescription("One KV buffer for all sequences, so a fork shares its "
                    + "parent's cells (true); false gives each sequence its own stream of n-ctx / n-seq-max cells, "
                    + "where a fork copies the prefix and no request may hold more than one stream per branch.");

    public static final ConfigOption<Boolean> CACHE_ENABLED = ConfigOptions.key("arbor.cache.enabled").booleanType()
            .defaultValue(true).withDescription("Prefix cache: keep the KV cells of prompt prefixes that requests share "
                    + "(a system prompt, few-shot examples), so that later requests starting the same way prefill only "
                    + "the rest. Results are the same with it as without it; its entries give way whenever a request "
                    + "needs their sequences or cells. Needs kv-unified. Policy: 'Prefix cache' in docs/flink.md.");

    public static final ConfigOption<Integer> CACHE_MAX_CELLS = ConfigOptions.key("arbor.cache.max-cells").intType()
            .defaultValue(0).withDescription("Most KV cells the prefix cache keeps on its own (cells no running "
                    + "request holds); 0 = no limit but n-ctx, since entries always give way to requests.");

    public static final ConfigOption<Integer> CACHE_MIN_PREFIX_TOKENS = ConfigOptions
            .key("arbor.cache.min-prefix-tokens").intType().defaultValue(PrefixCacheConfig.DEFAULT_MIN_PREFIX_TOKENS)
            .withDescription("Shortest shared prompt prefix, in tokens, that the prefix cache keeps or starts a "
                    + "request from.");

    public static final ConfigOption<Integer> ROUTING_PREFIX_TOKENS = ConfigOptions
            .key("arbor.routing.prefix-tokens").intType().defaultValue(0)
            .withDescription("With parallelism > 1 every subtask has its own prefix cache: route each record by a "
                    + "hash of the first N tokens of its prompt (or by its prefixKey field, when set), so that "
                    + "records sharing a prefix meet in one subtask. 0 = no routing: records go where Flink "
                    + "sends them.");

    public static final ConfigOption<Strategy> STRATEGY = ConfigOptions.key("arbor.search.strategy")
            .enumType(Strategy.class).defaultValue(Strategy.BEAM).withDescription("BEAM or BEST_OF_N.");

    public static final ConfigOption<Integer> WIDTH = ConfigOptions.key("arbor.search.width").intType()
            .defaultValue(4).withDescription("Beams (beam search) or samples (best-of-n).");

    public static final ConfigOption<Integer> MAX_NEW_TOKENS = ConfigOptions.key("arbor.search.max-new-tokens")
            .intType().defaultValue(64).withDescription("Most tokens generated per completion.");

    public static final ConfigOption<Double> LENGTH_PENALTY = ConfigOptions.key("arbor.search.length-penalty")
            .doubleType().defaultValue(1.0).withDescription("Beam search scores sumLogprob / n^lengthPenalty.");

    public static final ConfigOption<List<String>> STOP = ConfigOptions.key("arbor.search.stop").stringType()
            .asList().defaultValues().withDescription("Stop strings, cut from the output.");

    public static final ConfigOption<Boolean> STOP_AT_EOG = ConfigOptions.key("arbor.search.stop-at-eog")
            .booleanType().defaultValue(true).withDescription("End a completion at an end-of-generation token.");

    public static final ConfigOption<Boolean> RETURN_CANDIDATES = ConfigOptions
            .key("arbor.search.return-candidates").booleanType().defaultValue(false)
            .withDescription("Also return every kept completion, ranked, losers included.");

    public static final ConfigOption<Long> SEED = ConfigOptions.key("arbor.search.seed").longType().defaultValue(0L)
            .withDescription("Default seed; sampling seeds derive from (record id, seed, branch index).");

    public static final ConfigOption<Float> TEMPERATURE = ConfigOptions.key("arbor.sampler.temperature").floatType()
            .defaultValue(0.8f).withDescription("Best-of-n sampling temperature; 0 = greedy.");

    public static final ConfigOption<Integer> TOP_K = ConfigOptions.key("arbor.sampler.top-k").intType()
            .defaultValue(40).withDescription("Keep the k most likely tokens; 0 = off.");

    public static final ConfigOption<Float> TOP_P = ConfigOptions.key("arbor.sampler.top-p").floatType()
            .defaultValue(0.95f).withDescription("Nucleus sampling mass; 1 = off.");

    public static final ConfigOption<Float> MIN_P = ConfigOptions.key("arbor.sampler.min-p").floatType()
            .defaultValue(0.05f).withDescription("Drop tokens less likely than min-p x the most likely; 0 = off.");

    public static final ConfigOption<Float> REPEAT_PENALTY = ConfigOptions.key("arbor.sampler.repeat-penalty")
            .floatType().defaultValue(1.0f).withDescription("Penalty on recently generated tokens; 1 = off.");

    public static final ConfigOption<Integer> REPEAT_LAST_N = ConfigOptions.key("arbor.sampler.repeat-last-n")
            .intType().defaultValue(64).withDescription("How many recent tokens the penalties look at.");

    public static final ConfigOption<Float> FREQUENCY_PENALTY = ConfigOptions
            .key("arbor.sampler.frequency-penalty").floatType().defaultValue(0f)
            .withDescription("Subtracted per occurrence in the window.");

    public static final ConfigOption<Float> PRESENCE_PENALTY = ConfigOptions.key("arbor.sampler.presence-penalty")
            .floatType().defaultValue(0f).withDescription("Subtracted once for any occurrence in the window.");

    public static final ConfigOption<Duration> TIMEOUT = ConfigOptions.key("arbor.request.timeout").durationType()
            .defaultValue(Duration.ofMinutes(10)).withDescription("Per record; a record that takes longer yields "
                    + "an error result with code TIMEOUT.");

    public static final ConfigOption<Integer> CAPACITY = ConfigOptions.key("arbor.async.capacity").intType()
            .defaultValue(0).withDescription("Records in flight per subtask; 0 = what the engine can hold "
                    + "(2 x n-seq-max).");

    public static final ConfigOption<Boolean> ORDERED = ConfigOptions.key("arbor.async.ordered").booleanType()
            .defaultValue(false).withDescription("Emit results in input order (default: as they complete).");

    /** Every option, for validation of configuration files and for documentation. */
    public static List<ConfigOption<?>> all() {
        return List.of(MODEL_PATH, GPU_LAYERS, LOAD_MODE, N_CTX, N_BATCH, N_SEQ_MAX, THREADS, THREAD_POLICY, CPU_POLL,
                FLASH_ATTENTION, KV_UNIFIED, CACHE_ENABLED, CACHE_MAX_CELLS, CACHE_MIN_PREFIX_TOKENS,
                ROUTING_PREFIX_TOKENS, STRATEGY, WIDTH, MAX_NEW_TOKENS,
                LENGTH_PENALTY, STOP, STOP_AT_EOG, RETURN_CANDIDATES, SEED, TEMPERATURE, TOP_K, TOP_P, MIN_P,
                REPEAT_PENALTY, REPEAT_LAST_N, FREQUENCY_PENALTY, PRESENCE_PENALTY, TIMEOUT, CAPACITY, ORDERED);
    }
}
