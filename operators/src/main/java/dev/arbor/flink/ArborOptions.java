package dev.arbor.flink;

import dev.arbor.annotation.PublicApi;
import dev.arbor.kv.BranchStore;
import dev.arbor.grammar.GbnfOptions;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.FlashAttention;
import dev.arbor.llama.LoadMode;
import dev.arbor.llama.ThreadPolicy;
import dev.arbor.search.PrefixCacheConfig;
import dev.arbor.search.ProcessRewardModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/**
 * Every setting of Arbor's Flink operator as a typed Flink {@link ConfigOption}: the model and its
 * context, the prefix cache and routing by prefix, the default search and sampler (each overridable per record), and the async operator's
 * timeout and capacity. Read them with {@link ArborConfig#from(org.apache.flink.configuration.ReadableConfig)}.
 */
@PublicApi
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

    public static final ConfigOption<Boolean> SWA_FULL = ConfigOptions.key("arbor.context.swa-full").booleanType()
            .defaultValue(ContextParams.DEFAULT_SWA_FULL).withDescription("Sliding-window models (Gemma 3/4, "
                    + "gpt-oss): give the window's layers a cache as large as n-ctx (true) instead of about window x "
                    + "n-seq-max cells (false). False takes far less memory; llama.cpp then reuses cells that left a "
                    + "window, and going back past them needs a checkpoint (Arbor checks; results are exact either way).");

    public static final ConfigOption<MemorySize> CHECKPOINT_BYTES = ConfigOptions
            .key("arbor.context.checkpoint-bytes").memoryType()
            .defaultValue(new MemorySize(BranchStore.DEFAULT_CHECKPOINT_BYTES)).withDescription("Most memory the "
                    + "checkpoints of one slot may hold: saved recurrent states and window cells that let the prefix "
                    + "cache start requests from a shared prefix on hybrid, recurrent and sliding-window models. One "
                    + "that does not fit is not taken (the cache then starts from an earlier one, or not at all); "
                    + "results are the same either way.");

    public static final ConfigOption<Double> OVERCOMMIT = ConfigOptions.key("arbor.context.overcommit")
            .doubleType().defaultValue(1.0).withDescription("Admit requests as if the context had this many times "
                    + "its KV cells, betting that most stop well before their worst case (prompt + width x "
                    + "max-new-tokens). A request whose cells then run out while others run is preempted and "
                    + "restarted later with the same result; one that cannot fit even alone fails. 1 reserves every "
                    + "worst case, so none is ever preempted.");

    public static final ConfigOption<String> PRM_MODEL = ConfigOptions.key("arbor.prm.model").stringType()
            .noDefaultValue().withDescription("A process reward model (a GGUF file) for requests whose scorer is prm: "
                    + "loaded once per TaskManager like the model, with a context of its own in every slot; its "
                    + "branches follow each search tree, so a step's score costs the step's tokens. Unset: no prm "
                    + "scorer (requests naming it are rejected).");

    public static final ConfigOption<String> PRM_STEP_TAG = ConfigOptions.key("arbor.prm.step-tag")
            .stringType().defaultValue(ProcessRewardModel.DEFAULT_STEP_TAG).withDescription("Text the process "
                    + "reward model reads after each step; the step's score is read right after it.");

    public static final ConfigOption<String> PRM_GOOD = ConfigOptions.key("arbor.prm.good").stringType()
            .defaultValue(ProcessRewardModel.DEFAULT_GOOD).withDescription("Text whose first token means a good "
                    + "step to the process reward model: a step scores its probability after the tag.");

    public static final ConfigOption<String> PRM_BAD = ConfigOptions.key("arbor.prm.bad").stringType()
            .defaultValue(ProcessRewardModel.DEFAULT_BAD).withDescription("Text whose first token means a bad "
                    + "step: a step scores P(good) / (P(good) + P(bad)); empty: P(good) over the whole vocabulary.");

    public static final ConfigOption<Integer> PRM_N_CTX = ConfigOptions.key("arbor.prm.n-ctx").intType()
            .defaultValue(ContextParams.DEFAULT_N_CTX).withDescription("KV cells of the process reward model's "
                    + "context in each slot (admission counts what each request may hold there).");

    public static final ConfigOption<Integer> PRM_N_SEQ_MAX = ConfigOptions.key("arbor.prm.n-seq-max")
            .intType().defaultValue(2 * ContextParams.DEFAULT_N_SEQ_MAX + 1).withDescription("Sequences of the "
                    + "process reward model's context: a step-level request holds up to 2 x width + 1 of them.");

    public static final ConfigOption<String> GRAMMAR = ConfigOptions.key("arbor.search.grammar").stringType()
            .noDefaultValue().withDescription("GBNF grammar (root rule: root) that every completion must follow, "
                    + "for records without a grammar or jsonSchema of their own; unset: none.");

    public static final ConfigOption<String> JSON_SCHEMA = ConfigOptions.key("arbor.search.json-schema").stringType()
            .noDefaultValue().withDescription("JSON Schema (as JSON text) that every completion must be a valid "
                    + "instance of, converted to a grammar; for records without a grammar or jsonSchema of their own. "
                    + "Unsupported keywords (pattern, not, if/then/else, ...) are errors that name them.");

    public static final ConfigOption<Integer> SCHEMA_MAX_DIGITS = ConfigOptions.key("arbor.schema.max-digits")
            .intType().defaultValue(GbnfOptions.DEFAULT_MAX_DIGITS).withDescription("JSON Schema: most digits of "
                    + "an integer part, and of a fraction, where minimum/maximum set no bound (llama.cpp's own "
                    + "bound); 0 = as many as the model writes.");

    public static final ConfigOption<Integer> SCHEMA_MAX_STRING_LENGTH = ConfigOptions
            .key("arbor.schema.max-string-length").intType().defaultValue(0).withDescription("JSON Schema: most "
                    + "characters of a string without maxLength; 0 = as the schema says (the closing budget still "
                    + "ends every string within max-new-tokens).");

    public static final ConfigOption<Integer> SCHEMA_MAX_ITEMS = ConfigOptions.key("arbor.schema.max-items")
            .intType().defaultValue(0).withDescription("JSON Schema: most items of an array without maxItems, "
                    + "and most members of a map; 0 = as the schema says.");

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

    public static final ConfigOption<Integer> CACHE_CHECKPOINT_INTERVAL = ConfigOptions
            .key("arbor.cache.checkpoint-interval").intType()
            .defaultValue(PrefixCacheConfig.DEFAULT_CHECKPOINT_INTERVAL).withDescription("Hybrid, recurrent and "
                    + "sliding-window models: a prompt's prefill keeps a checkpoint every this many tokens (besides "
                    + "where prompts are seen to part and just before the prompt's end), so a later request sharing "
                    + "a prefix starts at most this many tokens short of it; 0 = only those. Dense models need none.");

    public static final ConfigOption<Integer> ROUTING_PREFIX_TOKENS = ConfigOptions
            .key("arbor.routing.prefix-tokens").intType().defaultValue(0)
            .withDescription("With parallelism > 1 every subtask has its own prefix cache: route each record by a "
                    + "hash of the first N tokens of its prompt as the engine runs it (chat messages rendered, "
                    + "prompt.prefix included), or by its prefixKey field when set, so that "
                    + "records sharing a prefix meet in one subtask. 0 = no routing: records go where Flink "
                    + "sends them.");

    // The request parameters: defined once, with their SQL keys and record fields, in RequestParameters.

    public static final ConfigOption<String> STRATEGY = RequestParameters.STRATEGY.option();
    public static final ConfigOption<Integer> WIDTH = RequestParameters.WIDTH.option();
    public static final ConfigOption<Integer> MAX_NEW_TOKENS = RequestParameters.MAX_NEW_TOKENS.option();
    public static final ConfigOption<Double> LENGTH_PENALTY = RequestParameters.LENGTH_PENALTY.option();
    public static final ConfigOption<List<String>> STOP = RequestParameters.STOP.option();
    public static final ConfigOption<Boolean> STOP_AT_EOG = RequestParameters.STOP_AT_EOG.option();
    public static final ConfigOption<Boolean> RETURN_CANDIDATES = RequestParameters.RETURN_CANDIDATES.option();
    public static final ConfigOption<Long> SEED = RequestParameters.SEED.option();
    public static final ConfigOption<Float> TEMPERATURE = RequestParameters.TEMPERATURE.option();
    public static final ConfigOption<Integer> TOP_K = RequestParameters.TOP_K.option();
    public static final ConfigOption<Float> TOP_P = RequestParameters.TOP_P.option();
    public static final ConfigOption<Float> MIN_P = RequestParameters.MIN_P.option();
    public static final ConfigOption<Float> REPEAT_PENALTY = RequestParameters.REPEAT_PENALTY.option();
    public static final ConfigOption<Integer> REPEAT_LAST_N = RequestParameters.REPEAT_LAST_N.option();
    public static final ConfigOption<Float> FREQUENCY_PENALTY = RequestParameters.FREQUENCY_PENALTY.option();
    public static final ConfigOption<Float> PRESENCE_PENALTY = RequestParameters.PRESENCE_PENALTY.option();
    public static final ConfigOption<String> SCORER = RequestParameters.SCORER.option();
    public static final ConfigOption<String> STEP_DELIMITER = RequestParameters.STEP_DELIMITER.option();
    public static final ConfigOption<Integer> MAX_STEP_TOKENS = RequestParameters.MAX_STEP_TOKENS.option();
    public static final ConfigOption<Integer> MAX_STEPS = RequestParameters.MAX_STEPS.option();
    public static final ConfigOption<Integer> EXPANSIONS = RequestParameters.EXPANSIONS.option();
    public static final ConfigOption<String> AGGREGATION = RequestParameters.AGGREGATION.option();
    public static final ConfigOption<String> ANSWER_PATTERN = RequestParameters.ANSWER_PATTERN.option();
    public static final ConfigOption<String> JUDGE_QUESTION = RequestParameters.JUDGE_QUESTION.option();
    public static final ConfigOption<Duration> TIMEOUT = RequestParameters.TIMEOUT.option();

    public static final ConfigOption<Integer> CAPACITY = ConfigOptions.key("arbor.async.capacity").intType()
            .defaultValue(0).withDescription("Records in flight per subtask; 0 = what the engine can hold "
                    + "(2 x n-seq-max).");

    public static final ConfigOption<Boolean> ORDERED = ConfigOptions.key("arbor.async.ordered").booleanType()
            .defaultValue(false).withDescription("Emit results in input order (default: as they complete).");

    /**
     * Every option, for validation of configuration files and for documentation: the operator's own,
     * then the request parameters ({@link RequestParameters#all()}, in their order), then the async
     * operator's.
     */
    public static List<ConfigOption<?>> all() {
        return ALL;
    }

    private static final List<ConfigOption<?>> ALL = allOptions();

    private static List<ConfigOption<?>> allOptions() {
        List<ConfigOption<?>> options = new ArrayList<>(List.<ConfigOption<?>>of(MODEL_PATH, GPU_LAYERS, LOAD_MODE,
                N_CTX, N_BATCH, N_SEQ_MAX, THREADS, THREAD_POLICY, CPU_POLL, FLASH_ATTENTION, KV_UNIFIED, SWA_FULL,
                CHECKPOINT_BYTES, OVERCOMMIT, CACHE_ENABLED, CACHE_MAX_CELLS, CACHE_MIN_PREFIX_TOKENS,
                CACHE_CHECKPOINT_INTERVAL, ROUTING_PREFIX_TOKENS, PRM_MODEL, PRM_STEP_TAG, PRM_GOOD, PRM_BAD, PRM_N_CTX,
                PRM_N_SEQ_MAX, GRAMMAR, JSON_SCHEMA, SCHEMA_MAX_DIGITS, SCHEMA_MAX_STRING_LENGTH, SCHEMA_MAX_ITEMS,
                CHAT_TEMPLATE, CHAT_SYSTEM, PROMPT_PREFIX));
        RequestParameters.all().forEach(parameter -> options.add(parameter.option()));
        options.add(CAPACITY);
        options.add(ORDERED);
        return List.copyOf(options);
    }
}
