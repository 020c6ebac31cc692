package dev.arbor.flink;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.RequestParameter.OptionType;
import dev.arbor.flink.RequestParameter.Target;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.kv.SamplerParams;
import dev.arbor.search.SearchRequest;
import dev.arbor.search.SearchStrategy;
import dev.arbor.search.StepSpec;
import dev.arbor.search.VerifierSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The table of request parameters: one {@link RequestParameter} per parameter a search request
 * takes from the operator's configuration, from SQL or from a record. Everything else is derived
 * from it: the request options of {@link ArborOptions} and their place in {@link ArborOptions#all()},
 * the search and sampler keys of {@code SqlOptions}, the override fields of the jobs' JSONL parser,
 * {@link RecordMapping#toSearchRequest} and the checks of {@link ArborConfig} (which name the option
 * of the parameter that the engine's {@code RequestChecks} or {@link SamplerParams} complain about).
 *
 * <p>A new parameter is: its field in {@code PromptRequest.avsc}, one row here (declared and listed in
 * {@code ALL}), and the engine code that reads it ({@link SearchRequest} and its consumer, and its
 * rule in {@code RequestChecks} if it has one). Defaults come from the engine
 * ({@link SearchRequest}'s constants, {@link SamplerParams#DEFAULTS}). The prompt, the grammar and
 * the JSON Schema are not rows: they are the request's subject rather than settings, and are read by
 * {@link RecordMapping} and {@code Constraints}.
 */
@Internal
public final class RequestParameters {
    private RequestParameters() {}

    public static final RequestParameter<String> STRATEGY = RequestParameter.of("strategy", OptionType.STRING,
            "arbor.search.strategy", SearchRequest.DEFAULT_STRATEGY.name(), "The search strategy by name: "
                    + SearchStrategy.all().stream().map(s -> s.name() + " (" + s.description() + ")")
                            .collect(Collectors.joining(", ")) + ".",
            Target.request((request, name) -> request.strategy(SearchStrategy.named(name)))).inSql()
            .inRecords("strategyName", RequestParameters::strategyName, PromptRequest.Builder::setStrategyName,
                    OverrideReader::strategyName);

    public static final RequestParameter<Integer> WIDTH = RequestParameter.of("width", OptionType.INT,
            "arbor.search.width", SearchRequest.DEFAULT_WIDTH, "Beams (beam search) or samples (best-of-n).",
            Target.request(SearchRequest.Builder::width)).inSql()
            .inRecords(PromptRequest::getWidth, PromptRequest.Builder::setWidth, OverrideReader::int32);

    public static final RequestParameter<Integer> MAX_NEW_TOKENS = RequestParameter.of("maxNewTokens",
            OptionType.INT, "arbor.search.max-new-tokens", SearchRequest.DEFAULT_MAX_NEW_TOKENS,
            "Most tokens generated per completion.", Target.request(SearchRequest.Builder::maxNewTokens)).inSql()
            .inRecords(PromptRequest::getMaxNewTokens, PromptRequest.Builder::setMaxNewTokens, OverrideReader::int32);

    public static final RequestParameter<Double> LENGTH_PENALTY = RequestParameter.of("lengthPenalty",
            OptionType.DOUBLE, "arbor.search.length-penalty", SearchRequest.DEFAULT_LENGTH_PENALTY,
            "Beam search scores sumLogprob / n^lengthPenalty.", Target.request(SearchRequest.Builder::lengthPenalty))
            .inSql()
            .inRecords(PromptRequest::getLengthPenalty, PromptRequest.Builder::setLengthPenalty,
                    OverrideReader::float64);

    public static final RequestParameter<List<String>> STOP = RequestParameter.of("stop", OptionType.STRING_LIST,
            "arbor.search.stop", List.of(), "Stop strings, cut from the output.",
            Target.request(SearchRequest.Builder::stop)).inSql()
            .inRecords(PromptRequest::getStop, PromptRequest.Builder::setStop, OverrideReader::strings);

    public static final RequestParameter<Boolean> STOP_AT_EOG = RequestParameter.of("stopAtEndOfGeneration",
            OptionType.BOOLEAN, "arbor.search.stop-at-eog", SearchRequest.DEFAULT_STOP_AT_END_OF_GENERATION,
            "End a completion at an end-of-generation token.",
            Target.request(SearchRequest.Builder::stopAtEndOfGeneration)).inSql()
            .inRecords(PromptRequest::getStopAtEndOfGeneration, PromptRequest.Builder::setStopAtEndOfGeneration,
                    OverrideReader::bool);

    /** Not in SQL: a query's result row has only the winner's columns. */
    public static final RequestParameter<Boolean> RETURN_CANDIDATES = RequestParameter.of("returnCandidates",
            OptionType.BOOLEAN, "arbor.search.return-candidates", false,
            "Also return every kept completion, ranked, losers included.",
            Target.request(SearchRequest.Builder::returnCandidates))
            .inRecords(PromptRequest::getReturnCandidates, PromptRequest.Builder::setReturnCandidates,
                    OverrideReader::bool);

    public static final RequestParameter<Long> SEED = RequestParameter.of("seed", OptionType.LONG,
            "arbor.search.seed", 0L, "Default seed; sampling seeds derive from (record id, seed, branch index).",
            Target.request(SearchRequest.Builder::seed)).inSql()
            .inRecords(PromptRequest::getSeed, PromptRequest.Builder::setSeed, OverrideReader::int64);

    public static final RequestParameter<Float> TEMPERATURE = RequestParameter.of("temperature", OptionType.FLOAT,
            "arbor.sampler.temperature", SamplerParams.DEFAULTS.temperature(),
            "Best-of-n sampling temperature; 0 = greedy.", Target.sampler(SamplerParams.Builder::temperature)).inSql()
            .inRecords(PromptRequest::getTemperature, PromptRequest.Builder::setTemperature, OverrideReader::float32);

    public static final RequestParameter<Integer> TOP_K = RequestParameter.of("topK", OptionType.INT,
            "arbor.sampler.top-k", SamplerParams.DEFAULTS.topK(), "Keep the k most likely tokens; 0 = off.",
            Target.sampler(SamplerParams.Builder::topK)).inSql()
            .inRecords(PromptRequest::getTopK, PromptRequest.Builder::setTopK, OverrideReader::int32);

    public static final RequestParameter<Float> TOP_P = RequestParameter.of("topP", OptionType.FLOAT,
            "arbor.sampler.top-p", SamplerParams.DEFAULTS.topP(), "Nucleus sampling mass; 1 = off.",
            Target.sampler(SamplerParams.Builder::topP)).inSql()
            .inRecords(PromptRequest::getTopP, PromptRequest.Builder::setTopP, OverrideReader::float32);

    public static final RequestParameter<Float> MIN_P = RequestParameter.of("minP", OptionType.FLOAT,
            "arbor.sampler.min-p", SamplerParams.DEFAULTS.minP(),
            "Drop tokens less likely than min-p x the most likely; 0 = off.",
            Target.sampler(SamplerParams.Builder::minP)).inSql()
            .inRecords(PromptRequest::getMinP, PromptRequest.Builder::setMinP, OverrideReader::float32);

    public static final RequestParameter<Float> REPEAT_PENALTY = RequestParameter.of("repeatPenalty",
            OptionType.FLOAT, "arbor.sampler.repeat-penalty", SamplerParams.DEFAULTS.repeatPenalty(),
            "Penalty on recently generated tokens; 1 = off.", Target.sampler(SamplerParams.Builder::repeatPenalty))
            .inSql()
            .inRecords(PromptRequest::getRepeatPenalty, PromptRequest.Builder::setRepeatPenalty,
                    OverrideReader::float32);

    public static final RequestParameter<Integer> REPEAT_LAST_N = RequestParameter.of("repeatLastN", OptionType.INT,
            "arbor.sampler.repeat-last-n", SamplerParams.DEFAULTS.repeatLastN(),
            "How many recent tokens the penalties look at.", Target.sampler(SamplerParams.Builder::repeatLastN)).inSql()
            .inRecords(PromptRequest::getRepeatLastN, PromptRequest.Builder::setRepeatLastN, OverrideReader::int32);

    public static final RequestParameter<Float> FREQUENCY_PENALTY = RequestParameter.of("frequencyPenalty",
            OptionType.FLOAT, "arbor.sampler.frequency-penalty", SamplerParams.DEFAULTS.frequencyPenalty(),
            "Subtracted per occurrence in the window.", Target.sampler(SamplerParams.Builder::frequencyPenalty)).inSql()
            .inRecords(PromptRequest::getFrequencyPenalty, PromptRequest.Builder::setFrequencyPenalty,
                    OverrideReader::float32);

    public static final RequestParameter<Float> PRESENCE_PENALTY = RequestParameter.of("presencePenalty",
            OptionType.FLOAT, "arbor.sampler.presence-penalty", SamplerParams.DEFAULTS.presencePenalty(),
            "Subtracted once for any occurrence in the window.", Target.sampler(SamplerParams.Builder::presencePenalty))
            .inSql()
            .inRecords(PromptRequest::getPresencePenalty, PromptRequest.Builder::setPresencePenalty,
                    OverrideReader::float32);

    public static final RequestParameter<String> SCORER = RequestParameter.of("scorer", OptionType.STRING,
            "arbor.search.scorer", "logprob", "What scores solutions (best_of_n, self_consistency's ties, the "
                    + "step-level strategies' partial solutions): logprob (mean token logprob), logprob_sum, prm "
                    + "(the slot's process reward model, arbor.prm.model), judge (the model asked "
                    + "arbor.search.judge-question about each solution), or a class implementing "
                    + "dev.arbor.search.Scorer (a user's Java scorer on the TaskManagers' classpath).",
            Target.request(SearchRequest.Builder::scorerNamed)).inSql()
            .inRecords(PromptRequest::getScorer, PromptRequest.Builder::setScorer, OverrideReader::text);

    public static final RequestParameter<String> STEP_DELIMITER = RequestParameter.of("stepDelimiter",
            OptionType.STRING, "arbor.search.step-delimiter", StepSpec.DEFAULT_DELIMITER, "step_beam, dvts: the "
                    + "text that ends a reasoning step (the token that completes it is the step's last).",
            Target.request(SearchRequest.Builder::stepDelimiter)).inSql()
            .inRecords(PromptRequest::getStepDelimiter, PromptRequest.Builder::setStepDelimiter, OverrideReader::text);

    public static final RequestParameter<Integer> MAX_STEP_TOKENS = RequestParameter.of("maxStepTokens",
            OptionType.INT, "arbor.search.max-step-tokens", StepSpec.DEFAULT_MAX_STEP_TOKENS,
            "step_beam, dvts: most tokens of one step (it ends there if no delimiter came).",
            Target.request(SearchRequest.Builder::maxStepTokens)).inSql()
            .inRecords(PromptRequest::getMaxStepTokens, PromptRequest.Builder::setMaxStepTokens,
                    OverrideReader::int32);

    public static final RequestParameter<Integer> MAX_STEPS = RequestParameter.of("maxSteps", OptionType.INT,
            "arbor.search.max-steps", StepSpec.DEFAULT_MAX_STEPS, "step_beam, dvts: most steps of one solution.",
            Target.request(SearchRequest.Builder::maxSteps)).inSql()
            .inRecords(PromptRequest::getMaxSteps, PromptRequest.Builder::setMaxSteps, OverrideReader::int32);

    public static final RequestParameter<Integer> EXPANSIONS = RequestParameter.of("expansions", OptionType.INT,
            "arbor.search.expansions", 0, "step_beam, dvts: next steps sampled from each kept partial solution; "
                    + "step_beam keeps width / expansions of them, dvts runs width / expansions subtrees. 0: "
                    + StepSpec.DEFAULT_EXPANSIONS + " (or the width when smaller).",
            Target.request(SearchRequest.Builder::expansions)).inSql()
            .inRecords(PromptRequest::getExpansions, PromptRequest.Builder::setExpansions, OverrideReader::int32);

    public static final RequestParameter<String> AGGREGATION = RequestParameter.of("aggregation", OptionType.STRING,
            "arbor.search.aggregation", "last", "scorer prm: how a solution's step scores make its score: last "
                    + "(the newest step's), min (the weakest step's) or product.",
            Target.request(SearchRequest.Builder::aggregation)).inSql()
            .inRecords(PromptRequest::getAggregation, PromptRequest.Builder::setAggregation, OverrideReader::text);

    public static final RequestParameter<String> ANSWER_PATTERN = RequestParameter.of("answerPattern",
            OptionType.STRING, "arbor.search.answer-pattern", null, "self_consistency: a regular expression whose "
                    + "first group (or whole match, the last one in a sample) is the sample's final answer; unset: "
                    + "the last non-blank line.",
            Target.request(SearchRequest.Builder::answerPattern)).inSql()
            .inRecords(PromptRequest::getAnswerPattern, PromptRequest.Builder::setAnswerPattern, OverrideReader::text);

    /** Not a record field: the judge is the operator's to phrase. */
    public static final RequestParameter<String> JUDGE_QUESTION = RequestParameter.of("judgeQuestion",
            OptionType.STRING, "arbor.search.judge-question", VerifierSpec.DEFAULT_QUESTION, "scorer judge: the "
                    + "question put after each solution; a solution scores P(yes) / (P(yes) + P(no)) of the answer "
                    + "that follows it.", Target.request(SearchRequest.Builder::judgeQuestion)).inSql();

    /**
     * Not a record field: a record's time is the operator's to bound. The SQL key is
     * {@code request-timeout} because ML_PREDICT's own {@code timeout} is the planner's async timeout.
     */
    public static final RequestParameter<Duration> TIMEOUT = RequestParameter.of("timeout", OptionType.DURATION,
            "arbor.request.timeout", Duration.ofMinutes(10), "Per record; a record that takes longer yields "
                    + "an error result with code TIMEOUT.", Target.request(SearchRequest.Builder::timeout))
            .inSql("request-timeout");

    private static final List<RequestParameter<?>> ALL = List.of(STRATEGY, WIDTH, MAX_NEW_TOKENS, LENGTH_PENALTY,
            STOP, STOP_AT_EOG, RETURN_CANDIDATES, SEED, TEMPERATURE, TOP_K, TOP_P, MIN_P, REPEAT_PENALTY,
            REPEAT_LAST_N, FREQUENCY_PENALTY, PRESENCE_PENALTY, SCORER, STEP_DELIMITER, MAX_STEP_TOKENS, MAX_STEPS,
            EXPANSIONS, AGGREGATION, ANSWER_PATTERN, JUDGE_QUESTION, TIMEOUT);

    /** Every parameter, in the order the documentation lists them. */
    public static List<RequestParameter<?>> all() {
        return ALL;
    }

    /** The parameter a record overrides under the JSONL key (and record field name) {@code key}, if any. */
    public static Optional<RequestParameter<?>> recordOverride(String key) {
        return ALL.stream().filter(p -> p.recordOverrides() && p.name().equals(key)).findFirst();
    }

    /** The parameter named {@code name} (as records, the request builder and validation messages name it), if any. */
    public static Optional<RequestParameter<?>> named(String name) {
        return ALL.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The option key of the parameter named {@code name} ("topP": "arbor.sampler.top-p"), or the name itself. */
    static String optionKey(String name) {
        return named(name).map(parameter -> parameter.option().key()).orElse(name);
    }

    /**
     * A message that starts with a parameter's name ("topP must be in (0, 1] ...", as
     * {@link SamplerParams} writes them) with the name replaced by the parameter's option key
     * ("arbor.sampler.top-p must be ..."); other messages pass through.
     */
    static String withOptionKey(String message) {
        int space = message == null ? -1 : message.indexOf(' ');
        return space < 0 ? message : optionKey(message.substring(0, space)) + message.substring(space);
    }

    /**
     * Sets every parameter on {@code request}: the record's override where it has one (none when
     * {@code record} is null), else the configured value; the sampler is built from its parameters.
     *
     * @throws IllegalArgumentException naming the parameter, for a value the request cannot take
     *     (an unknown strategy, a sampler value out of range)
     */
    static SearchRequest.Builder apply(ArborConfig config, PromptRequest record, SearchRequest.Builder request) {
        SamplerParams.Builder sampler = SamplerParams.builder();
        for (RequestParameter<?> parameter : ALL) {
            applyValue(parameter, config, record, request, sampler);
        }
        // The sampler's seed is the request's; the engine derives each branch's own seed from it.
        return request.sampler(sampler.seed(SEED.valueFor(config, record)).build());
    }

    /** The configured sampler (its seed 0: each request applies its own). */
    static SamplerParams configuredSampler(ArborConfig config) {
        SamplerParams.Builder sampler = SamplerParams.builder();
        for (RequestParameter<?> parameter : ALL) {
            if (parameter.setsSampler()) {
                applyValue(parameter, config, null, null, sampler); // these set the sampler only
            }
        }
        return sampler.build();
    }

    private static <T> void applyValue(RequestParameter<T> parameter, ArborConfig config, PromptRequest record,
            SearchRequest.Builder request, SamplerParams.Builder sampler) {
        parameter.apply(request, sampler, parameter.valueFor(config, record));
    }

    /** {@code strategyName}, else the deprecated {@code strategy} enum of records written before strategies had names. */
    private static String strategyName(PromptRequest record) {
        if (record.getStrategyName() != null) {
            return record.getStrategyName();
        }
        return record.getStrategy() == null ? null : record.getStrategy().name();
    }
}
