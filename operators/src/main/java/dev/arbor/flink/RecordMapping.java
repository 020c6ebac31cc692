package dev.arbor.flink;

import dev.arbor.flink.records.Candidate;
import dev.arbor.flink.records.FinishReason;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchError;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.flink.records.SearchStats;
import dev.arbor.kv.SamplerParams;
import dev.arbor.search.ErrorCode;
import dev.arbor.search.LikelihoodResult;
import dev.arbor.search.SearchRequest;
import dev.arbor.search.Strategy;
import java.time.Duration;
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
public final class RecordMapping {
    private static final dev.arbor.search.SearchStats NO_STATS = new dev.arbor.search.SearchStats(0, 0, 0, 0, 0, 0, 0,
            0);

    private final ArborConfig config;
    private final SamplerParams sampler;
    private final Strategy strategy;
    private final Duration timeout;

    public RecordMapping(ArborConfig config) {
        this.config = config;
        this.sampler = config.sampler();
        this.strategy = config.get(ArborOptions.STRATEGY);
        this.timeout = config.get(ArborOptions.TIMEOUT);
    }

    /** Why a record cannot become a request: the error code and message its result carries. */
    public static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        private final ErrorCode code;

        Rejected(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public ErrorCode code() {
            return code;
        }
    }

    /**
     * The engine request for a record. The engine itself checks what it can (prompt, width,
     * maxNewTokens, stop strings, ...); this checks what must be known to build the request.
     *
     * @throws Rejected INVALID_PARAMS, naming the field, for a missing id or an out-of-range sampler override
     */
    public SearchRequest toSearchRequest(PromptRequest record) throws Rejected {
        if (record.getId() == null) {
            throw new Rejected(ErrorCode.INVALID_PARAMS, "id is required");
        }
        long seed = or(record.getSeed(), config.get(ArborOptions.SEED));
        return SearchRequest.builder(record.getId())
                .prompt(record.getPrompt())
                .strategy(record.getStrategy() == null ? strategy : Strategy.valueOf(record.getStrategy().name()))
                .width(or(record.getWidth(), config.get(ArborOptions.WIDTH)))
                .maxNewTokens(or(record.getMaxNewTokens(), config.get(ArborOptions.MAX_NEW_TOKENS)))
                .stop(record.getStop() == null ? config.get(ArborOptions.STOP) : record.getStop())
                .stopAtEndOfGeneration(or(record.getStopAtEndOfGeneration(), config.get(ArborOptions.STOP_AT_EOG)))
                .sampler(sampler(record, seed))
                .seed(seed)
                .lengthPenalty(or(record.getLengthPenalty(), config.get(ArborOptions.LENGTH_PENALTY)))
                .returnCandidates(or(record.getReturnCandidates(), config.get(ArborOptions.RETURN_CANDIDATES)))
                .timeout(timeout)
                .build();
    }

    private SamplerParams sampler(PromptRequest r, long seed) throws Rejected {
        try {
            // SamplerParams names the field in its message ("topP must be in (0, 1] ..."), as the record does.
            return new SamplerParams(or(r.getTemperature(), sampler.temperature()), or(r.getTopK(), sampler.topK()),
                    or(r.getTopP(), sampler.topP()), or(r.getMinP(), sampler.minP()),
                    or(r.getRepeatPenalty(), sampler.repeatPenalty()), or(r.getRepeatLastN(), sampler.repeatLastN()),
                    or(r.getFrequencyPenalty(), sampler.frequencyPenalty()),
                    or(r.getPresencePenalty(), sampler.presencePenalty()), seed);
        } catch (IllegalArgumentException e) {
            throw new Rejected(ErrorCode.INVALID_PARAMS, e.getMessage());
        }
    }

    private static <T> T or(T override, T fallback) {
        return override == null ? fallback : override;
    }

    /**
     * The record answering {@code request} with the engine's {@code result}, and the likelihood of
     * the request's reference when it had one (null otherwise). A failed reference measurement
     * turns the result into an error ("reference: ..."), so that a dataset never silently lacks it.
     */
    public SearchResult toResult(PromptRequest request, dev.arbor.search.SearchResult result,
            LikelihoodResult reference) {
        if (result.isError()) {
            return withError(request, result.error().code().name(), result.error().message(), stats(result.stats()));
        }
        if (reference != null && reference.isError()) {
            return withError(request, reference.error().code().name(), "reference: " + reference.error().message(),
                    stats(result.stats()));
        }
        List<Candidate> candidates = new ArrayList<>(result.candidates().size());
        for (int rank = 0; rank < result.candidates().size(); rank++) {
            candidates.add(candidate(result.candidates().get(rank), rank));
        }
        SearchResult.Builder builder = base(request)
                .setWinner(candidate(result.winner(), 0))
                .setCandidates(candidates)
                .setStats(stats(result.stats()));
        if (reference != null) {
            builder.setReferenceLogprob(reference.sumLogprob()).setReferencePerplexity(reference.perplexity());
        }
        return builder.build();
    }

    /** An error result for {@code request}: no winner, the request's id, prompt and metadata. */
    public SearchResult errorResult(PromptRequest request, ErrorCode code, String message) {
        return withError(request, code.name(), message, null);
    }

    private static SearchResult withError(PromptRequest request, String code, String message, SearchStats stats) {
        return base(request)
                .setError(SearchError.newBuilder().setCode(code).setMessage(message == null ? code : message).build())
                .setStats(stats)
                .build();
    }

    private static SearchResult.Builder base(PromptRequest request) {
        Map<String, String> metadata = request.getMetadata() == null ? new HashMap<>()
                : new HashMap<>(request.getMetadata());
        return SearchResult.newBuilder()
                .setId(request.getId() == null ? "" : request.getId())
                .setPrompt(request.getPrompt())
                .setMetadata(metadata)
                .setNullMetadataKeys(request.getNullMetadataKeys() == null ? new ArrayList<>()
                        : new ArrayList<>(request.getNullMetadataKeys()));
    }

    private static Candidate candidate(dev.arbor.search.Candidate from, int rank) {
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
                .build();
    }

    /** Stats of a search that ran; null for one that never started (the records' documented meaning). */
    private static SearchStats stats(dev.arbor.search.SearchStats stats) {
        if (stats == null || stats.equals(NO_STATS)) {
            return null;
        }
        return SearchStats.newBuilder()
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
