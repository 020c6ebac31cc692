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
    private final int nSeqMax;

    RequestValidator(LlamaModel model, int nCtx, int nSeqMax) {
        this.model = model;
        this.nCtx = nCtx;
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
        long needed = SearchTask.cellsNeeded(request, prompt.length);
        if (needed > nCtx) {
            throw new Rejected(ErrorCode.PROMPT_TOO_LONG, "prompt of " + prompt.length + " tokens plus "
                    + request.width() + " x " + request.maxNewTokens() + " new tokens needs " + needed
                    + " KV cells; the context holds " + nCtx);
        }
        return new PreparedRequest(request, prompt, now, deadline(request, now), null);
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
        if (request.strategy() == null) {
            throw invalid("strategy is required");
        }
        if (request.width() < 1) {
            throw invalid("width must be >= 1, was " + request.width());
        }
        if (request.width() > nSeqMax) {
            throw new Rejected(ErrorCode.WIDTH_TOO_LARGE, "width " + request.width()
                    + " needs that many sequences; the context has nSeqMax = " + nSeqMax);
        }
        if (request.maxNewTokens() < 1) {
            throw invalid("maxNewTokens must be >= 1, was " + request.maxNewTokens());
        }
        if (request.sampler() == null || request.scorer() == null) {
            throw invalid("sampler and scorer are required");
        }
        if (!Double.isFinite(request.lengthPenalty())) {
            throw invalid("lengthPenalty must be finite, was " + request.lengthPenalty());
        }
        for (String stop : request.stop()) {
            if (stop == null || stop.isEmpty()) {
                throw invalid("stop strings must not be empty");
            }
            String problem = TextCheck.problem(stop);
            if (problem != null) {
                throw new Rejected(ErrorCode.INVALID_TEXT, "a stop string is not valid Unicode text: " + problem);
            }
        }
        if (request.timeout() != null && (request.timeout().isNegative() || request.timeout().isZero())) {
            throw invalid("timeout must be positive, was " + request.timeout());
        }
        checkGrammar(request);
    }

    /** Parses the grammar once here, so that a bad one is answered at once and never reaches the engine. */
    private void checkGrammar(SearchRequest request) throws Rejected {
        if (request.grammar() == null) {
            return;
        }
        try (Grammar grammar = Grammar.parse(model, request.grammar(), request.grammarRoot())) {
            // Parsed: the engine makes the root's own state when the request starts. One that allows no
            // first token (an empty class such as [z-a]) would end the search with no completion at all.
            if (!grammar.isComplete() && grammar.mask(new float[model.nVocab()]) == 0) {
                throw new Rejected(ErrorCode.INVALID_GRAMMAR, "invalid grammar: it accepts no text (not one token "
                        + "may start it; an empty character class such as [z-a]?)");
            }
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
