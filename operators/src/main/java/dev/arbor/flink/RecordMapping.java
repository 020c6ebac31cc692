package dev.arbor.flink;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.records.Candidate;
import dev.arbor.flink.records.FinishReason;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchError;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.flink.records.SearchStats;
import dev.arbor.flink.records.StepNode;
import dev.arbor.llama.LlamaModel;
import dev.arbor.search.ErrorCode;
import dev.arbor.search.LikelihoodResult;
import dev.arbor.search.RankedCompletion;
import dev.arbor.search.RunStats;
import dev.arbor.search.ScoredStep;
import dev.arbor.search.SearchDetails;
import dev.arbor.search.SearchOutcome;
import dev.arbor.search.SearchRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates between the Avro records of the stream and the search engine's requests and
 * results: a {@link PromptRequest} with the configuration's defaults under its per-record
 * overrides becomes a {@link SearchRequest}; an engine result becomes a {@link SearchResult}
 * record carrying the request's id, prompt and metadata.
 *
 * <p>Invariant: every method returns a record or a request, never throws for bad input; a record
 * that cannot become a request yields {@link Rejected} with the error its result must carry.
 * Thread-safe (immutable after construction).
 */
@Internal
public final class RecordMapping {
    private static final RunStats NO_STATS = new RunStats(0, 0, 0, 0, 0, 0, 0, 0);

    private final ArborConfig config;
    private final Constraints constraints;
    private final ChatPrompts chat;
    /** Put before every record's prompt ({@code arbor.prompt.prefix}); empty: none. */
    private final String promptPrefix;

    /** A mapping without a model: records with chat messages are rejected (CHAT_TEMPLATE). */
    public RecordMapping(ArborConfig config) {
        this(config, null);
    }

    /**
     * A mapping for {@code model}: chat messages are rendered with its template (or the configured one).
     *
     * @throws IllegalArgumentException when {@code arbor.chat.template} names no built-in template
     */
    public RecordMapping(ArborConfig config, LlamaModel model) {
        this.config = config;
        this.constraints = new Constraints(config);
        this.chat = model == null ? null : ChatPrompts.of(model, config.get(ArborOptions.CHAT_TEMPLATE),
                config.get(ArborOptions.CHAT_SYSTEM));
        this.promptPrefix = java.util.Objects.requireNonNullElse(config.get(ArborOptions.PROMPT_PREFIX), "");
    }

    /** Why a record cannot become a request: the error code and message its result carries. */
    public static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        private final ErrorCode code;

        public Rejected(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public ErrorCode code() {
            return code;
        }
    }

    /**
     * The engine request for a record. The engine itself checks what it can (prompt, width,
     * maxNewTokens, stop strings, grammar syntax, ...); this checks what must be known to build the
     * request: the id, the sampler overrides, the prompt or the chat messages (rendered here), and
     * the JSON Schema (converted here).
     *
     * @throws Rejected with the error code and reason the record's result carries
     */
    public SearchRequest toSearchRequest(PromptRequest record) throws Rejected {
        if (record.getId() == null) {
            throw new Rejected(ErrorCode.INVALID_PARAMS, "id is required");
        }
        SearchRequest.Builder builder = SearchRequest.builder(record.getId());
        PromptText prompt = promptText(record);
        if (prompt.markup()) {
            builder.chatPrompt(prompt.text());
        } else {
            builder.prompt(prompt.text());
        }
        builder.grammar(constraints.grammar(record));
        builder.reference(record.getReference()); // scorers may check against it
        try {
            // Every parameter: the record's override, else the configured value (RequestParameters).
            return RequestParameters.apply(config, record, builder).build();
        } catch (IllegalArgumentException e) {
            // The message names the record's field ("topP must be in (0, 1] ...", "unknown strategy 'x' ...").
            throw new Rejected(ErrorCode.INVALID_PARAMS, e.getMessage());
        }
    }

    /**
     * The text the engine runs for a record, before it is tokenized: its chat messages rendered
     * ({@code markup}: the template's control tokens are read as such), or its prompt after the
     * configured prefix. A blank prompt stays as it is, so the engine rejects it as EMPTY_PROMPT.
     */
    public record PromptText(String text, boolean markup) {}

    /** @throws Rejected when the record has both a prompt and messages, or its messages cannot be rendered */
    public PromptText promptText(PromptRequest record) throws Rejected {
        if (record.getMessages() != null) {
            if (record.getPrompt() != null) {
                throw new Rejected(ErrorCode.INVALID_PARAMS, "a record has prompt or messages, not both");
            }
            if (chat == null) {
                throw new Rejected(ErrorCode.CHAT_TEMPLATE, "chat messages need a model: this mapping has none");
            }
            return new PromptText(chat.render(record.getMessages()), true);
        }
        String prompt = record.getPrompt();
        return new PromptText(prompt == null || prompt.isBlank() ? prompt : promptPrefix + prompt, false);
    }

    /**
     * The record answering {@code request} with the engine's {@code result}, and the likelihood of
     * the request's reference when it had one (null otherwise). A failed reference measurement
     * turns the result into an error ("reference: ..."), so that a dataset never silently lacks it.
     */
    public SearchResult toResult(PromptRequest request, SearchOutcome result,
            LikelihoodResult reference) {
        return toResult(request, null, result, reference);
    }

    /**
     * As {@link #toResult(PromptRequest, SearchOutcome, LikelihoodResult)}; the result's prompt is
     * the one {@code search} ran (a chat record's rendered prompt, or the prompt after the configured
     * prefix) when it is known.
     */
    public SearchResult toResult(PromptRequest request, SearchRequest search, SearchOutcome result,
            LikelihoodResult reference) {
        String prompt = search != null && search.promptText() != null ? search.promptText() : request.getPrompt();
        if (result.isError()) {
            return withError(request, prompt, result.error().code().name(), result.error().message(),
                    stats(result.stats(), result.details()));
        }
        if (reference != null && reference.isError()) {
            return withError(request, prompt, reference.error().code().name(),
                    "reference: " + reference.error().message(), stats(result.stats(), result.details()));
        }
        List<Candidate> candidates = new ArrayList<>(result.candidates().size());
        for (int rank = 0; rank < result.candidates().size(); rank++) {
            candidates.add(candidate(result.candidates().get(rank), rank));
        }
        SearchResult.Builder builder = base(request, prompt)
                .setWinner(candidate(result.winner(), 0))
                .setCandidates(candidates)
                .setStats(stats(result.stats(), result.details()))
                .setTally(new HashMap<>(result.details().tally()));
        if (!result.candidates().isEmpty()) {
            builder.setTree(tree(result.details()));
        }
        if (reference != null) {
            builder.setReferenceLogprob(reference.sumLogprob()).setReferencePerplexity(reference.perplexity());
        }
        return builder.build();
    }

    /** An error result for {@code request}: no winner, the request's id, prompt and metadata. */
    public SearchResult errorResult(PromptRequest request, ErrorCode code, String message) {
        return withError(request, request.getPrompt(), code.name(), message, null);
    }

    private static SearchResult withError(PromptRequest request, String prompt, String code, String message,
            SearchStats stats) {
        return base(request, prompt)
                .setError(SearchError.newBuilder().setCode(code).setMessage(message == null ? code : message).build())
                .setStats(stats)
                .build();
    }

    private static SearchResult.Builder base(PromptRequest request, String prompt) {
        Map<String, String> metadata = request.getMetadata() == null ? new HashMap<>()
                : new HashMap<>(request.getMetadata());
        return SearchResult.newBuilder()
                .setId(request.getId() == null ? "" : request.getId())
                .setPrompt(prompt)
                .setMetadata(metadata)
                .setNullMetadataKeys(request.getNullMetadataKeys() == null ? new ArrayList<>()
                        : new ArrayList<>(request.getNullMetadataKeys()));
    }

    private static Candidate candidate(RankedCompletion from, int rank) {
        int[] tokens = from.tokens();
        float[] logprobs = from.tokenLogprobs();
        List<Integer> tokenList = new ArrayList<>(tokens.length);
        List<Float> logprobList = new ArrayList<>(logprobs.length);
        for (int i = 0; i < tokens.length; i++) {
            tokenList.add(tokens[i]);
            logprobList.add(logprobs[i]);
        }
        return Candidate.newBuilder()
                .setText(from.text())
                .setTokens(tokenList)
                .setTokenLogprobs(logprobList)
                .setSumLogprob(from.sumLogprob())
                .setScore(from.score())
                .setFinishReason(FinishReason.valueOf(from.finishReason().name()))
                .setRank(rank)
                .setGrammarComplete(from.completion().grammarComplete())
                .build();
    }

    /** The scored tree of a step-level search, in the order its steps were generated. */
    private static List<StepNode> tree(SearchDetails details) {
        List<StepNode> nodes = new ArrayList<>(details.tree().size());
        for (ScoredStep step : details.tree()) {
            nodes.add(StepNode.newBuilder().setId(step.id()).setParent(step.parent()).setRound(step.round())
                    .setText(step.text()).setScore(step.score()).setKept(step.kept()).setFinished(step.finished())
                    .build());
        }
        return nodes;
    }

    /** Stats of a search that ran; null for one that never started (the records' documented meaning). */
    private static SearchStats stats(RunStats stats, SearchDetails details) {
        if (stats == null || stats.equals(NO_STATS)) {
            return null;
        }
        return SearchStats.newBuilder()
                .setSteps(details.steps())
                .setExpansions(details.expansions())
                .setScorerCalls(details.scorerCalls())
                .setTokensScored(details.tokensScored())
                .setPromptTokens(stats.promptTokens())
                .setCachedPromptTokens(stats.cachedPromptTokens())
                .setGeneratedTokens(stats.generatedTokens())
                .setDecodeSteps(stats.decodeSteps())
                .setPeakLeases(stats.peakLeases())
                .setPeakKvCells(stats.peakKvCells())
                .setQueuedMs(stats.queuedMs())
                .setRunMs(stats.runMs())
                .build();
    }
}
