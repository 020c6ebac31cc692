package dev.arbor.flink;

import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.FlashAttention;
import dev.arbor.llama.LoadMode;
import dev.arbor.llama.ThreadPolicy;
import dev.arbor.search.PrefixCacheConfig;
import dev.arbor.search.SearchRequest;
import dev.arbor.search.SearchStrategy;
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
            .defaultValue(ContextParams.DEFAULT_N_CTX).withDescription("KV cells of each task slot's context, shared by all its requests.");

    public static final ConfigOption<Integer> N_BATCH = ConfigOptions.key("arbor.context.n-batch").intType()
            .defaultValue(ContextParams.DEFAULT_N_BATCH).withDescription("Most tokens decoded in one llama_decode call.");

    public static final ConfigOption<Integer> N_SEQ_MAX = ConfigOptions.key("arbor.context.n-seq-max").intType()
            .defaultValue(ContextParams.DEFAULT_N_SEQ_MAX).withDescription("Sequences (branch leases) of each context: bounds width x concurrency.");

    public static final ConfigOption<Integer> THREADS = ConfigOptions.key("arbor.context.threads").intType()
            .defaultValue(0).withDescription("Most CPU threads per decode; 0 = this slot's share of the cores: the "
                    + "cores the TaskManager may use / taskmanager.numberOfTaskSlots (SQL: / parallel subtasks), at "
                    + "least 1. With thread-policy ADAPTIVE a decode also gives way to other processes.");

    public static final ConfigOption<ThreadPolicy> THREAD_POLICY = ConfigOptions.key("arbor.context.thread-policy")
            .enumType(ThreadPolicy.class).defaultValue(ContextParams.DEFAULT_THREAD_POLICY).withDescription("ADAPTIVE: each decode "
                    + "uses only this slot's share of the cores that other processes and the other decoding slots "
                    + "leave free (measured about once a second), so a busy machine slows decoding in proportion "
                    + "instead of many times over; FIXED: always 'threads'.");

    public static final ConfigOption<Integer> CPU_POLL = ConfigOptions.key("arbor.context.cpu-poll").intType()
            .defaultValue(ContextParams.DEFAULT_POLL).withDescription("How long idle decode threads spin for work before they sleep, as ggml's "
                    + "polling level 0..100 (0: sleep at once, kindest to other work on the machine); -1 keeps "
                    + "llama.cpp's default, a new spinning thread pool for every decode.");

    public static final ConfigOption<FlashAttention> FLASH_ATTENTION = ConfigOptions
            .key("arbor.context.flash-attention").enumType(FlashAttention.class).defaultValue(ContextParams.DEFAULT_FLASH_ATTENTION)
            .withDescription("llama.cpp's fused attention: ON, OFF or AUTO (llama.cpp decides). It skips the cells "
                    + "a sequence cannot see, so many requests in one context cost less attention work, but on the "
                    + "CPU it is slower at long positions and accumulates in half precision (logprobs move by a few "
                    + "1e-3 with the batch company). Measured trade-offs: docs/benchmarks.md.");

    public static final ConfigOption<Boolean> KV_UNIFIED = ConfigOptions.key("arbor.context.kv-unified")
            .booleanType().defaultValue(ContextParams.DEFAULT_KV_UNIFIED).withDescription("One KV buffer for all sequences, so a fork shares its "
                    + "parent's cells (true); false gives each sequence its own stream of n-ctx / n-seq-max cells, "
                    + "where a fork copies the prefix and no request may hold more than one stream per branch.");

    public static final ConfigOption<String> STRATEGY = ConfigOptions.key("arbor.search.strategy").stringType()
            .defaultValue(SearchRequest.DEFAULT_STRATEGY.name()).withDescription("The search strategy by name: "
                    + SearchStrategy.all().stream().map(s -> s.name() + " (" + s.description() + ")")
                            .collect(java.util.stream.Collectors.joining(", ")) + ".");

    public static final ConfigOption<String> GRAMMAR = ConfigOptions.key("arbor.search.grammar").stringType()
            .noDefaultValue().withDescription("GBNF grammar (root rule: root) that every completion must follow, "
                    + "for records without a grammar or jsonSchema of their own; unset: none.");

    public static final ConfigOption<String> JSON_SCHEMA = ConfigOptions.key("arbor.search.json-schema").stringType()
            .noDefaultValue().withDescription("JSON Schema (as JSON text) that every completion must be a valid "
                    + "instance of, converted to a grammar; for records without a grammar or jsonSchema of their own. "
                    + "Unsupported keywords (pattern, not, if/then/else, ...) are errors that name them.");

    public static final ConfigOption<String> CHAT_TEMPLATE = ConfigOptions.key("arbor.chat.template").stringType()
            .noDefaultValue().withDescription("For records with messages: one of llama.cpp's built-in chat templates "
                    + "by name (chatml, llama3, gemma, ...) instead of the model's own; unset: the model's "
                    + "(tokenizer.chat_template in its GGUF metadata).");

    public static final ConfigOption<String> CHAT_SYSTEM = ConfigOptions.key("arbor.chat.system").stringType()
            .noDefaultValue().withDescription("A system message put first in the messages of every record whose "
                    + "messages do not start with a system message of their own (one later in a conversation does not "
                    + "count): the shared instructions of a dataset, written once.");

    public static final ConfigOption<String> PROMPT_PREFIX = ConfigOptions.key("arbor.prompt.prefix").stringType()
            .noDefaultValue().withDescription("Text put before the prompt of every record with a prompt (not "
                    + "messages): a shared instruction or few-shot examples, written once; the prefix cache prefills "
                    + "it once per slot. Results show the whole prompt.");

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
                    + "hash of the first N tokens of its prompt as the engine runs it (chat messages rendered, "
                    + "prompt.prefix included), or by its prefixKey field when set, so that "
                    + "records sharing a prefix meet in one subtask. 0 = no routing: records go where Flink "
                    + "sends them.");

    public static final ConfigOption<Integer> WIDTH = ConfigOptions.key("arbor.search.width").intType()
            .defaultValue(SearchRequest.DEFAULT_WIDTH).withDescription("Beams (beam search) or samples (best-of-n).");

    public static final ConfigOption<Integer> MAX_NEW_TOKENS = ConfigOptions.key("arbor.search.max-new-tokens")
            .intType().defaultValue(SearchRequest.DEFAULT_MAX_NEW_TOKENS).withDescription("Most tokens generated per completion.");

    public static final ConfigOption<Double> LENGTH_PENALTY = ConfigOptions.key("arbor.search.length-penalty")
            .doubleType().defaultValue(SearchRequest.DEFAULT_LENGTH_PENALTY).withDescription("Beam search scores sumLogprob / n^lengthPenalty.");

    public static final ConfigOption<List<String>> STOP = ConfigOptions.key("arbor.search.stop").stringType()
            .asList().defaultValues().withDescription("Stop strings, cut from the output.");

    public static final ConfigOption<Boolean> STOP_AT_EOG = ConfigOptions.key("arbor.search.stop-at-eog")
            .booleanType().defaultValue(SearchRequest.DEFAULT_STOP_AT_END_OF_GENERATION).withDescription("End a completion at an end-of-generation token.");

    public static final ConfigOption<Boolean> RETURN_CANDIDATES = ConfigOptions
            .key("arbor.search.return-candidates").booleanType().defaultValue(false)
            .withDescription("Also return every kept completion, ranked, losers included.");

    public static final ConfigOption<Long> SEED = ConfigOptions.key("arbor.search.seed").longType().defaultValue(0L)
            .withDescription("Default seed; sampling seeds derive from (record id, seed, branch index).");

    public static final ConfigOption<Float> TEMPERATURE = ConfigOptions.key("arbor.sampler.temperature").floatType()
            .defaultValue(SamplerParams.DEFAULTS.temperature()).withDescription("Best-of-n sampling temperature; 0 = greedy.");

    public static final ConfigOption<Integer> TOP_K = ConfigOptions.key("arbor.sampler.top-k").intType()
            .defaultValue(SamplerParams.DEFAULTS.topK()).withDescription("Keep the k most likely tokens; 0 = off.");

    public static final ConfigOption<Float> TOP_P = ConfigOptions.key("arbor.sampler.top-p").floatType()
            .defaultValue(SamplerParams.DEFAULTS.topP()).withDescription("Nucleus sampling mass; 1 = off.");

    public static final ConfigOption<Float> MIN_P = ConfigOptions.key("arbor.sampler.min-p").floatType()
            .defaultValue(SamplerParams.DEFAULTS.minP()).withDescription("Drop tokens less likely than min-p x the most likely; 0 = off.");

    public static final ConfigOption<Float> REPEAT_PENALTY = ConfigOptions.key("arbor.sampler.repeat-penalty")
            .floatType().defaultValue(SamplerParams.DEFAULTS.repeatPenalty()).withDescription("Penalty on recently generated tokens; 1 = off.");

    public static final ConfigOption<Integer> REPEAT_LAST_N = ConfigOptions.key("arbor.sampler.repeat-last-n")
            .intType().defaultValue(SamplerParams.DEFAULTS.repeatLastN()).withDescription("How many recent tokens the penalties look at.");

    public static final ConfigOption<Float> FREQUENCY_PENALTY = ConfigOptions
            .key("arbor.sampler.frequency-penalty").floatType().defaultValue(SamplerParams.DEFAULTS.frequencyPenalty())
            .withDescription("Subtracted per occurrence in the window.");

    public static final ConfigOption<Float> PRESENCE_PENALTY = ConfigOptions.key("arbor.sampler.presence-penalty")
            .floatType().defaultValue(SamplerParams.DEFAULTS.presencePenalty()).withDescription("Subtracted once for any occurrence in the window.");

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
                ROUTING_PREFIX_TOKENS, STRATEGY, GRAMMAR, JSON_SCHEMA, CHAT_TEMPLATE, CHAT_SYSTEM, PROMPT_PREFIX, WIDTH,
                MAX_NEW_TOKENS,
                LENGTH_PENALTY, STOP, STOP_AT_EOG, RETURN_CANDIDATES, SEED, TEMPERATURE, TOP_K, TOP_P, MIN_P,
                REPEAT_PENALTY, REPEAT_LAST_N, FREQUENCY_PENALTY, PRESENCE_PENALTY, TIMEOUT, CAPACITY, ORDERED);
    }
}
