package dev.arbor.search;

import dev.arbor.llama.Grammar;
import dev.arbor.llama.InvalidGrammarException;
import dev.arbor.llama.LlamaModel;
import java.time.Duration;

/**
 * Turns a {@link SearchRequest} into a {@link PreparedRequest}, or into the reason it can never
 * run. Runs on the submitting thread (tokenizing is thread-safe), so bad requests never reach the
 * engine thread or disturb other requests.
 */
final class RequestValidator {
    private final LlamaModel model;
    private final int nCtx;
    private final long admissionCells;
    private final int nSeqMax;

    /**
     * @param nCtx the context's cells: no prompt may fill them
     * @param admissionCells the cells admission hands out ({@code nCtx}, more when overcommitting):
     *     a request whose footprint exceeds them can never be admitted
     */
    RequestValidator(LlamaModel model, int nCtx, long admissionCells, int nSeqMax) {
        this.model = model;
        this.nCtx = nCtx;
        this.admissionCells = admissionCells;
        this.nSeqMax = nSeqMax;
    }

    /** Thrown with the error a request gets instead of a completion. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        final transient SearchFailure error;

        Rejected(ErrorCode code, String message) {
            super(message, null, false, false);
            this.error = new SearchFailure(code, message);
        }
    }

    PreparedRequest prepare(SearchRequest request, long now) throws Rejected {
        checkParameters(request);
        int[] prompt = promptTokens(request);
        if (prompt.length >= nCtx) {
            throw new Rejected(ErrorCode.PROMPT_TOO_LONG, "prompt has " + prompt.length
                    + " tokens; the context holds " + nCtx);
        }
        Footprint footprint = footprint(request, prompt.length);
        if (footprint.cells() > admissionCells) {
            throw new Rejected(ErrorCode.PROMPT_TOO_LONG, "prompt of " + prompt.length + " tokens plus "
                    + request.width() + " x " + request.maxNewTokens() + " new tokens needs " + footprint.cells()
                    + " KV cells; the context holds " + admissionCells);
        }
        return new PreparedRequest(request, prompt, now, deadline(request, now), null, footprint);
    }

    /** The request's footprint under its strategy, on this model's memory (no cells to count on a recurrent one). */
    private Footprint footprint(SearchRequest request, int promptLength) {
        Footprint footprint = request.strategy().footprint(request, promptLength);
        return model.memory().hasAttentionCells() ? footprint : footprint.withoutCells();
    }

    /** {@code now + timeout}, saturating: a timeout of centuries means "no deadline", not an overflow. */
    private static long deadline(SearchRequest request, long now) {
        if (request.timeout() == null) {
            return Long.MAX_VALUE;
        }
        // Deadlines are compared as now - deadline (nanoTime may wrap), which holds up to ~146 years ahead.
        Duration limit = Duration.ofNanos(Long.MAX_VALUE / 2);
        if (request.timeout().compareTo(limit) >= 0) {
            return Long.MAX_VALUE;
        }
        long deadline = now + request.timeout().toNanos();
        return deadline == Long.MAX_VALUE ? deadline - 1 : deadline;
    }

    private void checkParameters(SearchRequest request) throws Rejected {
        RequestChecks.Problem problem = RequestChecks.firstProblem(request);
        if (problem != null) {
            throw invalid(problem.message());
        }
        if (request.sampler() == null || request.scorer() == null) {
            throw invalid("sampler and scorer are required");
        }
        int leases = request.strategy().footprint(request, 0).leases();
        if (leases > nSeqMax) {
            throw new Rejected(ErrorCode.WIDTH_TOO_LARGE, "width " + request.width() + " needs " + leases
                    + " sequences at once; the context has nSeqMax = " + nSeqMax);
        }
        for (String stop : request.stop()) {
            String invalidText = TextCheck.problem(stop);
            if (invalidText != null) {
                throw new Rejected(ErrorCode.INVALID_TEXT, "a stop string is not valid Unicode text: " + invalidText);
            }
        }
        checkGrammar(request);
    }

    /** Parses the grammar once here, so that a bad one is answered at once and never reaches the engine. */
    private void checkGrammar(SearchRequest request) throws Rejected {
        if (request.grammar() == null) {
            return;
        }
        try (Grammar grammar = Grammar.parse(model, request.grammar(), request.grammarRoot())) {
            // parsed: the engine makes the root's own state when the request starts
        } catch (InvalidGrammarException e) {
            throw new Rejected(ErrorCode.INVALID_GRAMMAR, "invalid grammar: " + e.getMessage());
        }
    }

    private int[] promptTokens(SearchRequest request) throws Rejected {
        if (request.promptTokens() != null) {
            int[] tokens = request.promptTokens();
            if (tokens.length == 0) {
                throw new Rejected(ErrorCode.EMPTY_PROMPT, "the prompt has no tokens");
            }
            for (int token : tokens) {
                if (token < 0 || token >= model.nVocab()) {
                    throw invalid("prompt token " + token + " is outside the vocab [0, " + model.nVocab() + ")");
                }
            }
            return tokens;
        }
        String text = request.promptText();
        if (text == null || text.isBlank()) {
            throw new Rejected(ErrorCode.EMPTY_PROMPT, text == null ? "the request has no prompt" : "the prompt is empty");
        }
        String problem = TextCheck.problem(text);
        if (problem != null) {
            throw new Rejected(ErrorCode.INVALID_TEXT, "the prompt is not valid Unicode text: " + problem);
        }
        return model.tokenize(text, true, request.promptMarkup());
    }

    private static Rejected invalid(String message) {
        return new Rejected(ErrorCode.INVALID_PARAMS, message);
    }
}
