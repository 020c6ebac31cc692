package dev.arbor.search;

import dev.arbor.grammar.GrammarState;
import dev.arbor.kv.Branch;
import dev.arbor.llama.LlamaModel;

/**
 * The closing budget of one grammar-constrained request: a branch may take a token only if its
 * document can still be completed in the tokens left after it ({@link ClosingCost}). Beam search
 * drops continuations that break this ({@link #after} returns null); best-of-n commits the first
 * token of the shortest closing instead ({@link #step}); a search that would keep nothing forces
 * that token ({@link #closingToken}). Since the request's smallest document fits in
 * {@code maxNewTokens} (the validator rejects it otherwise), some token always keeps the budget,
 * so every completion that reaches {@code maxNewTokens} is a complete document:
 * {@link StopReason#BUDGET}.
 *
 * <p>Inactive (every call a no-op that keeps everything) without a grammar, or under a grammar
 * whose closing cost cannot be computed ({@link ClosingCost#of}): then the search runs as it does
 * without a budget, and a completion cut short says {@code grammarComplete: false}. One per request,
 * used on the engine thread.
 */
final class ClosingBudget {
    /** Where one branch's text stands, and the closing it would take (computed when first asked). */
    static final class Path {
        final GrammarState state;
        private int[] closing;
        private int next;

        private Path(GrammarState state) {
            this.state = state;
        }

        private Path(GrammarState state, int[] closing, int next) {
            this.state = state;
            this.closing = closing;
            this.next = next;
        }

        /** Tokens of the known closing still ahead, or -1 when it was never computed. */
        private int closingLeft() {
            return closing == null ? -1 : closing.length - next;
        }
    }

    /** The token a branch takes, and where it then stands. */
    record Step(int token, Path after) {}

    private static final Path UNTRACKED = new Path(null);
    private static final ClosingBudget NONE = new ClosingBudget(null, null);

    private final ClosingCost cost;
    private final LlamaModel model;

    private ClosingBudget(ClosingCost cost, LlamaModel model) {
        this.cost = cost;
        this.model = model;
    }

    /** The budget of {@code request}: active under a grammar whose closing cost is computable. */
    static ClosingBudget forRequest(SearchRequest request, LlamaModel model) {
        if (request.grammar() == null) {
            return NONE;
        }
        try {
            return new ClosingBudget(ClosingCost.of(model, request.grammar(), request.grammarRoot()), model);
        } catch (IllegalArgumentException e) {
            return NONE; // e.g. token references: the search runs as it would without a budget
        }
    }

    boolean isActive() {
        return cost != null;
    }

    /** The root's path: no text yet. */
    Path start() {
        return isActive() ? new Path(cost.start()) : UNTRACKED;
    }

    /**
     * Where {@code from} stands after {@code token} when its document can still close in
     * {@code tokensLeft} tokens after it; null when it cannot (the branch must not take the token).
     * An end of generation keeps the path: the grammar allows one only once the text is complete.
     */
    Path after(Path from, int token, int tokensLeft) {
        if (from == UNTRACKED || from.state.isLost() || model.isEndOfGeneration(token)) {
            return from;
        }
        GrammarState next = from.state.advance(model.grammarPiece(token));
        int left = from.closingLeft();
        if (left > 0 && from.closing[from.next] == token && left - 1 <= tokensLeft) {
            // The rest of a known closing still closes: no need to look again.
            return new Path(next, from.closing, from.next + 1);
        }
        return cost.closesWithin(next, tokensLeft) ? new Path(next) : null;
    }

    /**
     * The first token of the shortest closing of {@code from}: an end of generation when its text
     * is complete; -1 when nothing is known (untracked or lost), or {@code branch}'s grammar does not
     * allow that token (which would mean the two disagree; the branch then goes on unbudgeted).
     */
    int closingToken(Path from, Branch branch) {
        if (from == UNTRACKED || from.state.isLost()) {
            return -1;
        }
        if (from.closing == null) {
            from.closing = cost.closingTokens(from.state);
            from.next = 0;
        }
        if (from.closing == null) {
            return -1;
        }
        int token = from.closingLeft() > 0 ? from.closing[from.next] : model.eos();
        if (from.closingLeft() == 0 && !model.isEndOfGeneration(token)) {
            return -1;
        }
        return Double.isFinite(branch.logprob(token)) ? token : -1;
    }

    /**
     * What best-of-n commits: {@code proposed} when it keeps the budget, else the first token of
     * the shortest closing. When neither is possible (nothing known), {@code proposed}, untracked.
     */
    Step step(Path from, Branch branch, int proposed, int tokensLeft) {
        Path after = after(from, proposed, tokensLeft);
        if (after != null) {
            return new Step(proposed, after);
        }
        int closing = closingToken(from, branch);
        if (closing < 0) {
            return new Step(proposed, UNTRACKED);
        }
        Path closed = after(from, closing, tokensLeft);
        return new Step(closing, closed == null ? UNTRACKED : closed);
    }

    /**
     * Why a completion that reached {@code maxNewTokens} ended: {@link StopReason#BUDGET} when the
     * budget kept its document complete, else {@link StopReason#LENGTH}.
     */
    StopReason atLength(Boolean grammarComplete) {
        return isActive() && Boolean.TRUE.equals(grammarComplete) ? StopReason.BUDGET : StopReason.LENGTH;
    }
}
