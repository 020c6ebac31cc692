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
    private final ProcessRewardModel prm;

    /**
     * @param nCtx the context's cells: no prompt may fill them
     * @param admissionCells the cells admission hands out ({@code nCtx}, more when overcommitting):
     *     a request whose footprint exceeds them can never be admitted
     */
    RequestValidator(LlamaModel model, int nCtx, long admissionCells, int nSeqMax, ProcessRewardModel prm) {
        this.model = model;
        this.nCtx = nCtx;
        this.admissionCells = admissionCells;
        this.nSeqMax = nSeqMax;
        this.prm = prm;
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
        return prepare(request, now, true);
    }

    /**
     * @param search whether the request searches (false: it scores a given continuation, which
     *     needs no room for the grammar's smallest document)
     */
    PreparedRequest prepare(SearchRequest request, long now, boolean search) throws Rejected {
        checkParameters(request);
        if (search) {
            checkClosing(request);
        }
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
        if (request.verifier().kind() == VerifierSpec.Kind.PRM) {
            footprint = prmFootprint(request, footprint);
        }
        return new PreparedRequest(request, prompt, now, deadline(request, now), null, footprint);
    }

    /** The request's footprint with what the process reward model holds for it, or the reason it cannot. */
    private Footprint prmFootprint(SearchRequest request, Footprint policy) throws Rejected {
        if (prm == null) {
            throw invalid("the prm verifier needs a process reward model, and this engine has none "
                    + "(arbor.prm.model)");
        }
        String problem = request.promptText() != null ? request.promptText() : model.detokenize(request.promptTokens());
        int promptTokens = prm.model().tokenize(problem + prm.promptSuffix(), true, false).length;
        int tagTokens = Math.max(1, prm.model().tokenize(prm.stepTag(), false, false).length);
        Footprint footprint = PrmVerifier.footprint(policy, request, promptTokens, tagTokens);
        if (footprint.verifierLeases() > prm.context().nSeqMax() || footprint.verifierCells() > prm.context().nCtx()) {
            throw new Rejected(ErrorCode.WIDTH_TOO_LARGE, "scoring width " + request.width() + " with the process "
                    + "reward model needs up to " + footprint.verifierLeases() + " of its sequences and "
                    + footprint.verifierCells() + " of its cells; its context has " + prm.context().nSeqMax()
                    + " and " + prm.context().nCtx());
        }
        return footprint;
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

    /**
     * Under a grammar whose closing cost is known ({@link ClosingCost}), the search can promise a
     * complete document only if the smallest one fits in maxNewTokens: said here, before any decode.
     */
    private void checkClosing(SearchRequest request) throws Rejected {
        if (request.grammar() == null) {
            return;
        }
        ClosingCost cost;
        try {
            cost = ClosingCost.of(model, request.grammar(), request.grammarRoot());
        } catch (IllegalArgumentException e) {
            return; // no closing budget for this grammar: it runs as before, cut short when it must be
        }
        if (cost.smallestDocumentTokens() > request.maxNewTokens()) {
            throw invalid("maxNewTokens " + request.maxNewTokens() + " is too small for the grammar: its smallest "
                    + "document, " + preview(cost.smallestDocument()) + ", takes " + cost.smallestDocumentTokens()
                    + " tokens; set maxNewTokens to at least " + cost.smallestDocumentTokens());
        }
    }

    private static String preview(String document) {
        String shown = document.length() <= 80 ? document : document.substring(0, 77) + "...";
        return "'" + shown + "'";
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
